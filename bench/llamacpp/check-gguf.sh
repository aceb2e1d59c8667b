#!/usr/bin/env bash
# Checks that llama.cpp runs a GGUF file written by `flexigpt export` as the project does: greedy decoding of the
# same prompt in llama.cpp (npm node-llama-cpp 3.21.1, which ships llama.cpp binaries) and in the project must give
# the same token ids. Not part of the build or CI (it downloads node-llama-cpp into a temporary directory).
#
# usage: bench/llamacpp/check-gguf.sh MODEL.gguf [PROMPT] [MAX_TOKENS]
#   NODE_LLAMA_CPP_DIR=dir  reuse a directory where node-llama-cpp@3.21.1 is already installed
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
gguf="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
prompt="${2:-Once upon a time}"
max="${3:-64}"
jar="$root/cli/target/flexigpt.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -pl cli -am package -DskipTests)

dir="${NODE_LLAMA_CPP_DIR:-}"
if [ -z "$dir" ]; then
  dir="$(mktemp -d)"
  trap 'rm -rf "$dir"' EXIT
fi
if [ ! -d "$dir/node_modules/node-llama-cpp" ]; then
  (cd "$dir" && npm init -y >/dev/null && npm install --no-audit --no-fund node-llama-cpp@3.21.1 >/dev/null)
fi
cp "$here/greedy.mjs" "$dir/greedy.mjs"

llamacpp="$(cd "$dir" && node greedy.mjs "$gguf" "$prompt" "$max")"
project="$(java --add-modules jdk.incubator.vector -cp "$jar" "$here/GreedyTokens.java" "$gguf" "$prompt" "$max" 2>/dev/null)"
echo "llama.cpp (node-llama-cpp 3.21.1):"
echo "$llamacpp" | sed 's/^/  /'
echo "flexigpt:"
echo "$project" | sed 's/^/  /'
echo "flexigpt generate:"
java --add-modules jdk.incubator.vector -jar "$jar" generate --model "$gguf" --prompt "$prompt" --max-tokens "$max" 2>/dev/null | sed 's/^/  /'
if [ "$(echo "$llamacpp" | grep -E '^(prompt|tokens):')" == "$project" ]; then
  echo "SAME: llama.cpp and flexigpt give the same prompt and greedy tokens"
else
  echo "DIFFERENT: llama.cpp and flexigpt disagree"
  exit 1
fi
