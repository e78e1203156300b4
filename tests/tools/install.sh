#!/usr/bin/env bash
# Installs the real programs the tests drive, when they are missing, so that the
# README's test command does all set-up on a fresh machine and no test skips
# because a tool is absent. Called by that command (and so by .ci/run).
#
# Each section installs what one group of tests needs; add a section rather
# than editing another's. Debian packages through apt-get (as root, or with
# sudo when it is there); npm packages into tests/tools/node_modules (ignored
# by git), so nothing global changes.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

apt_packages=()
need_cmd() {  # need_cmd COMMAND PACKAGE...: queue the packages when COMMAND is missing
  local cmd="$1"; shift
  command -v "$cmd" >/dev/null 2>&1 || apt_packages+=("$@")
}

# --- sections (one per group of tests) -------------------------------------

# --- web: the review page's browser tests (tests/test_web_browser.py) --------
# Debian's headless Chromium and its chromedriver, driven by selenium (a Python
# test dependency); selenium is pointed at both, so it never downloads a driver.
need_cmd chromium chromium
need_cmd chromedriver chromium-driver

# --- install ----------------------------------------------------------------
if [ ${#apt_packages[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi
