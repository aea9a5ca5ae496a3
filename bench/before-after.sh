#!/usr/bin/env bash
# A change measured as a user sees it: the moegen of commit $BEFORE (built in a scratch worktree with its own jars;
# nothing installed) and this checkout's, run alternately ROUNDS times per layer, each run timing the NumPy peer on
# the same inputs. Each version reads its own shipped tuned database (MOEGEN_DB is an empty folder, so nothing local
# is read); HEURISTIC=1 gives both an empty --db instead, so both run the heuristic's parameters (the same values
# when the parameters mean the same). Every table goes to OUT/[heuristic-]<layer>.log; the last "after" run also
# writes its report folder (JSON, markdown, charts).
#   BEFORE=1ed0344 OUT=bench/results/pocl-cpu-outer-2026-11-30 bench/before-after.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
before=${BEFORE:?BEFORE: the commit to compare with}
out=${OUT:?OUT: the results folder}
rounds=${ROUNDS:-3} tokens=${TOKENS:-1,16,128,512} reps=${REPS:-9}
wt=$(mktemp -d) empty=$(mktemp -d)
git worktree add --detach "$wt" "$before" > /dev/null
trap 'git worktree remove --force "$wt"; rmdir "$empty"' EXIT
(cd "$wt" && bin/mvn -B -q -o package -Dmaven.test.skip=true -pl cli -am)
. bin/jdk25.sh
old=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$wt/cli/target/moegen-cli.jar")
./moegen presets > /dev/null # builds this checkout's CLI when its sources changed
mkdir -p "$out"
export MOEGEN_DB=$empty
db=() prefix=""
[ -n "${HEURISTIC:-}" ] && db=(--db "$empty") prefix=heuristic-
for layer in "qwen3-30b-a3b 8" "mixtral-8x7b 16"; do
  set -- $layer
  log="$out/$prefix$1-s$2.log"
  : > "$log"
  for r in $(seq 1 "$rounds"); do
    echo "== round $r: before ($before)" >> "$log"
    "${old[@]}" bench --preset "$1" --scale "$2" --tokens "$tokens" --reps "$reps" --peers numpy "${db[@]}" 2> /dev/null >> "$log"
    echo "== round $r: after ($(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo '+changes'))" >> "$log"
    extra=()
    [ "$r" = "$rounds" ] && extra=(--report "$out/$prefix$1-s$2" --force)
    ./moegen bench --preset "$1" --scale "$2" --tokens "$tokens" --reps "$reps" --peers numpy "${db[@]}" "${extra[@]}" 2> /dev/null >> "$log"
  done
  echo "$1 /$2: $log"
done
