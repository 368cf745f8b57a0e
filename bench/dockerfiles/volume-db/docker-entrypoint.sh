#!/bin/sh
set -e
if [ "$(id -u)" = 0 ]; then exec gosu dbuser "$@"; fi
exec "$@"
