#!/usr/bin/env bash
# The main job behind `make run`: create the embedded store, load data, train the
# default model, print a short evaluation and a few example recommendations.
# With ENCORE_DATA_DIR set it uses MovieLens 100K from there; otherwise it
# generates the built-in demo catalogue (`encore demo-data`).
set -euo pipefail
ENCORE="${1:-build/src/cli/encore}"
MODEL="${ENCORE_MODEL:-ease}"
mkdir -p var

if [ -n "${ENCORE_DATA_DIR:-}" ]; then
  DB=var/ml-100k.db
  echo "== importing MovieLens 100K from $ENCORE_DATA_DIR/ml-100k into $DB"
  "$ENCORE" import --format movielens-100k --db "$DB" "$ENCORE_DATA_DIR/ml-100k"
  USERS=(1 2 3)
else
  DB=var/demo.db
  echo "== generating the demo catalogue into $DB (set ENCORE_DATA_DIR to use MovieLens 100K)"
  "$ENCORE" demo-data --db "$DB" --out var/demo-data
  USERS=(u1 u2 u3)
fi

echo; echo "== store"
"$ENCORE" stats --db "$DB"

echo; echo "== evaluation (stratified 75/25 per user, full ranking)"
"$ENCORE" eval --db "$DB" --protocol stratified --models "popularity,$MODEL" --k 10 --out var/report

echo; echo "== training $MODEL on all data"
"$ENCORE" train --db "$DB" --model "$MODEL" --out var/model.bin

for user in "${USERS[@]}"; do
  echo; "$ENCORE" recommend --db "$DB" --model var/model.bin --user "$user" -n 5
done
echo; echo "report: var/report/report.md"
