# Sourced by the comparison scripts: `alternate LOG REPORT_DIR PRESET SCALE LABEL_A "ARGS_A" LABEL_B "ARGS_B"` runs
# `moegen bench` on the layer ROUNDS times with arguments A, then B (TOKENS, REPS from the environment), every table
# into LOG; the last B run also writes its report folder to REPORT_DIR.
alternate() {
  local log=$1 report=$2 preset=$3 scale=$4 label_a=$5 args_a=$6 label_b=$7 args_b=$8 r extra
  : > "$log"
  for r in $(seq 1 "$ROUNDS"); do
    echo "== round $r: $label_a" >> "$log"
    # shellcheck disable=SC2086 # the argument strings are word lists
    ./moegen bench --preset "$preset" --scale "$scale" --tokens "$TOKENS" --reps "$REPS" $args_a 2>/dev/null >> "$log"
    echo "== round $r: $label_b" >> "$log"
    extra=()
    [ "$r" = "$ROUNDS" ] && extra=(--report "$report" --force)
    # shellcheck disable=SC2086
    ./moegen bench --preset "$preset" --scale "$scale" --tokens "$TOKENS" --reps "$REPS" $args_b "${extra[@]}" 2>/dev/null >> "$log"
  done
  echo "$preset /$scale: $log"
}
