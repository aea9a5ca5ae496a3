# Sourced by moegen's scripts: points JAVA_HOME at a JDK 25 or newer.
# Order: $JAVA_HOME if it is >= 25, then the newest JDK >= 25 under /usr/lib/jvm.
moegen_java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
moegen_find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    local v; v=$(moegen_java_major "$JAVA_HOME"); [ "${v:-0}" -ge 25 ] 2>/dev/null && { echo "$JAVA_HOME"; return 0; }
  fi
  local best="" bestv=0 d v
  for d in /usr/lib/jvm/*/; do
    d=${d%/}; [ -x "$d/bin/javac" ] || continue
    v=$(moegen_java_major "$d"); [ "${v:-0}" -ge 25 ] 2>/dev/null || continue
    [ "$v" -gt "$bestv" ] && { best=$d; bestv=$v; }
  done
  [ -n "$best" ] && { echo "$best"; return 0; }
  return 1
}
if ! JAVA_HOME=$(moegen_find_jdk); then
  echo "moegen: no JDK 25 found (checked \$JAVA_HOME and /usr/lib/jvm/*). Install one and set JAVA_HOME." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
