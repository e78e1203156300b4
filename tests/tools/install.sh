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
after_install=()  # commands a section needs run once the Debian packages are in (npm installs ...)
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

# --- consumers (tests/test_consumers_*.py): the programs people read our outputs with
# pandoc --citeproc; bibtex with the standard .bst files; biber with biblatex,
# typeset by pdflatex and read back by pdftotext. The smallest Debian set that
# carries them: texlive-binaries (bibtex, pdflatex) and texlive-base (plain.bst,
# unsrt.bst, fonts), texlive-latex-base, texlive-bibtex-extra (biblatex.sty),
# texlive-latex-recommended (etoolbox and the other packages biblatex loads),
# biber, poppler-utils (pdftotext). citeproc-js (npm "citeproc", the engine of
# Zotero and Mendeley) goes into tests/tools/node_modules, pinned.
need_cmd pandoc pandoc
need_cmd bibtex texlive-binaries texlive-base
need_cmd pdflatex texlive-binaries texlive-latex-base
need_cmd biber biber
need_cmd pdftotext poppler-utils
need_cmd node nodejs
need_cmd npm npm
if ! { command -v kpsewhich >/dev/null 2>&1 && kpsewhich biblatex.sty >/dev/null && kpsewhich etoolbox.sty >/dev/null \
       && kpsewhich unsrt.bst >/dev/null; }; then
  apt_packages+=(texlive-base texlive-latex-base texlive-bibtex-extra texlive-latex-recommended)
fi
consumers_npm() {
  if [ ! -f "$here/node_modules/citeproc/package.json" ]; then
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$here" citeproc@2.4.63 >/dev/null
  fi
}
after_install+=(consumers_npm)

# --- install ----------------------------------------------------------------
if [ ${#apt_packages[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi
for step in ${after_install[@]+"${after_install[@]}"}; do
  "$step"
done
