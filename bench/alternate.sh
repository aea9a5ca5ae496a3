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

# `alternate_layers DIR LABEL_A "ARGS_A" LABEL_B "ARGS_B"`: `alternate` on the two layers the CPU comparisons share
# (qwen3-30b-a3b /8, mixtral-8x7b /16), each with DIR/PRESET-sSCALE.log and the report folder DIR/PRESET-sSCALE.
alternate_layers() {
  local dir=$1 layer preset scale
  shift
  for layer in "qwen3-30b-a3b 8" "mixtral-8x7b 16"; do
    read -r preset scale <<< "$layer"
    alternate "$dir/$preset-s$scale.log" "$dir/$preset-s$scale" "$preset" "$scale" "$@"
  done
}

# `mixtral_s4 DIR "ARGS"`: mixtral-8x7b /4 at T = 128, 512 (H = 1024: GroupGEMM 1's K at real-model proportions), one run
# with ARGS, its table to DIR/mixtral-8x7b-s4.log and its report folder beside it.
mixtral_s4() {
  # shellcheck disable=SC2086 # the argument string is a word list
  ./moegen bench --preset mixtral-8x7b --scale 4 --tokens 128,512 --reps "$REPS" $2 --report "$1/mixtral-8x7b-s4" --force 2>/dev/null \
    > "$1/mixtral-8x7b-s4.log"
  echo "mixtral-8x7b /4: $1/mixtral-8x7b-s4.log"
}

