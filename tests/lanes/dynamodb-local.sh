#!/usr/bin/env bash
# `npm run test:dynamodb-local`: the integration, e2e and hostile suites against AWS's
# own DynamoDB Local instead of dynalite (vitest.dynamodb-local.config.ts).
#
# DynamoDB Local is the jar bundled in the npm package amplify-dynamodb-simulator (a
# devDependency), run by Debian's Java, in memory, with one database for every
# credential (-sharedDb). It listens on every interface and cannot be told otherwise,
# so it runs in a network namespace of its own, where only loopback exists, and the
# tests run in there with it. This script installs nothing: it names what is missing.
# Arguments are passed to vitest (a file filter, say).
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=()
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "test:dynamodb-local needs the Debian packages: ${missing[*]}" >&2
  echo "  apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "test:dynamodb-local makes a network namespace (ip netns add), which needs root" >&2
  exit 2
fi
emulator=node_modules/amplify-dynamodb-simulator/emulator
if [ ! -f "$emulator/DynamoDBLocal.jar" ]; then
  echo "test:dynamodb-local needs $emulator/DynamoDBLocal.jar: run npm ci first" >&2
  exit 2
fi

port=8000
namespace="cordon-dynamodb-local-$$"
log="$(mktemp -t cordon-dynamodb-local.XXXXXX.log)"
java_pid=""
cleanup() {
  if [ -n "$java_pid" ]; then
    kill "$java_pid" 2>/dev/null || true
    wait "$java_pid" 2>/dev/null || true
  fi
  ip netns delete "$namespace" 2>/dev/null || true
  rm -f "$log"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$namespace"
ip netns exec "$namespace" ip link set lo up
# `ip netns exec` execs its command, so $! is Java's own pid.
(cd "$emulator" && exec ip netns exec "$namespace" java -Djava.library.path=./DynamoDBLocal_lib \
  -jar DynamoDBLocal.jar -inMemory -sharedDb -port "$port") >"$log" 2>&1 &
java_pid=$!

# Ready when it accepts a connection on loopback inside the namespace.
ready=""
for _ in $(seq 1 300); do
  if ip netns exec "$namespace" bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
    ready=1
    break
  fi
  kill -0 "$java_pid" 2>/dev/null || break
  sleep 0.2
done
if [ -z "$ready" ]; then
  echo "DynamoDB Local did not serve on port $port:" >&2
  cat "$log" >&2
  exit 1
fi
echo "DynamoDB Local $(sed -n 's/^Version:\s*//p' "$log") in network namespace $namespace, port $port"

ip netns exec "$namespace" env CORDON_DYNAMODB_ENDPOINT="http://127.0.0.1:$port" \
  npx vitest run --config vitest.dynamodb-local.config.ts "$@"
