// Render CSL-JSON items through a CSL style with citeproc-js, twice: as plain text and
// with every variable and name part wrapped in private-use marker characters, so that the
// Python driver (make_csl.py) can cut element lines and read the gold from what is printed.
//
// stdin: {"style": XML, "locales": {lang: XML}, "lang": "en-US", "jobs": [[item, ...], ...]}
// stdout: [{"order": [id, ...], "plain": [entry, ...], "marked": [entry, ...]}, ...]
"use strict";
const fs = require("fs");
const path = require("path");
const CSL = require(path.join(__dirname, "node_modules", "citeproc"));

// A plain-text output format in which every rendered variable is passed to variableWrapper
// (the stock "text" format ignores it).
CSL.Output.Formats.marked = Object.assign({}, CSL.Output.Formats.text);
CSL.Output.Formats.marked["@showid/true"] = function (state, str) {
  if (!state.tmp.just_looking && !state.tmp.suppress_decorations && this.params && typeof str === "string") {
    return state.sys.variableWrapper(this.params, "", str, "");
  }
  return str;
};

function render(job, styleXml, locales, lang, marked) {
  const items = {};
  for (const it of job) items[it.id] = it;
  const sys = {
    retrieveLocale: (l) => locales[l] || false,
    retrieveItem: (id) => items[id],
  };
  if (marked) {
    sys.variableWrapper = (params, pre, str, post) =>
      pre + "\uE000" + params.variableNames.join("+") + "\uE001" + str + "\uE002" + post;
  }
  const engine = new CSL.Engine(sys, styleXml, lang, true);
  engine.setOutputFormat(marked ? "marked" : "text");
  engine.updateItems(job.map((it) => it.id));
  const bib = engine.makeBibliography();
  return { order: bib[0].entry_ids.map((x) => x[0]), entries: bib[1] };
}

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const out = [];
for (const job of input.jobs) {
  const plain = render(job, input.style, input.locales, input.lang, false);
  const marked = render(job, input.marked_style, input.locales, input.lang, true);
  if (plain.order.join() !== marked.order.join()) throw new Error("plain and marked orders differ");
  out.push({ order: plain.order, plain: plain.entries, marked: marked.entries });
}
process.stdout.write(JSON.stringify(out));
