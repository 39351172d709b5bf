#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs what is missing (the build and the test packages), builds and runs
# every test suite.
set -e
cd "$(dirname "$0")/.."
tools/build.sh test
meson test -C build --print-errorlogs --num-processes 2
