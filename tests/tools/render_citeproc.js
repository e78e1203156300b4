// Renders CSL-JSON items with citeproc-js, the engine of Zotero and Mendeley, for the consumer tests.
//
// Reads one JSON request on standard input:
//   {"styles": {"name": "path/to/style.csl"}, "localesDir": "...", "items": [CSL-JSON items], "cite": ["id", ...]}
// and writes {"name": {"ids": [...], "entries": ["..."], "cites": {"id": "..."}}} to standard output:
// the bibliography in plain text (in the style's order, with each entry's item id) and, for each id
// in "cite", the in-text citation of that item alone. Locales come from localesDir only (offline).
"use strict";
const fs = require("fs");
const path = require("path");
const CSL = require("citeproc");

const request = JSON.parse(fs.readFileSync(0, "utf8"));
const byId = new Map(request.items.map((item) => [String(item.id), item]));
const result = {};
for (const [name, file] of Object.entries(request.styles)) {
  const sys = {
    retrieveLocale(lang) {
      const p = path.join(request.localesDir, `locales-${lang}.xml`);
      return fs.existsSync(p) ? fs.readFileSync(p, "utf8") : false;
    },
    retrieveItem(id) {
      return byId.get(String(id));
    },
  };
  const engine = new CSL.Engine(sys, fs.readFileSync(file, "utf8"));
  engine.setOutputFormat("text");
  const cites = {};
  for (const id of request.cite || []) {
    engine.updateItems([String(id)]);
    cites[id] = engine.makeCitationCluster([{ id: String(id) }]);
  }
  engine.updateItems([...byId.keys()]);
  const [meta, entries] = engine.makeBibliography();
  result[name] = { ids: meta.entry_ids.map((ids) => ids[0]), entries: entries.map((e) => e.trim()), cites };
}
process.stdout.write(JSON.stringify(result));
