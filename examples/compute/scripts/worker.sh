#!/bin/sh
# Starts the batch worker on port 8080.
set -eu
apt-get update
apt-get install -y python3
nohup python3 -m http.server 8080 >/var/log/worker.log 2>&1 &
