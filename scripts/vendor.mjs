#!/usr/bin/env node
// Copy the run-time front-end files from node_modules/ into xiangcun/static/vendor/.
//
// The platform runs on intranets without CDN access and without node at run time,
// so the copies are committed. Usage (from the repository root):
//
//     npm install && npm run vendor     # or: node scripts/vendor.mjs
//
// The script clears xiangcun/static/vendor/ first and writes only what is listed
// below, so re-running it gives byte-identical output for the same package-lock.json.
// No dependencies: Node's standard library only.
//
// Transformations applied while copying (everything else is copied byte for byte):
//  * `sourceMappingURL` comments are removed, because the .map files are not shipped
//    and Django's ManifestStaticFilesStorage (whitenoise CompressedManifest...) makes
//    collectstatic fail on references to missing files.
//  * CSS: any `@import` of a remote (http/https or protocol-relative) stylesheet,
//    e.g. Google Fonts, is stripped. None of the pinned versions has one (checked for
//    @tabler/core 1.6.1, bootstrap 5.3.9, maplibre-gl 6.17.0); the check stays so a
//    future upgrade cannot silently reintroduce a network request.
//  * CSS: after that, any url() that is neither a data: URI nor a file we ship makes
//    the script fail, so that fonts/images referenced relatively are never missed.
//    (Tabler's and Bootstrap's CSS only use inline data:image/svg+xml URIs; Tabler
//    uses the system font stack, no web fonts.)

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const NODE_MODULES = path.join(ROOT, "node_modules");
const DEST = path.join(ROOT, "xiangcun", "static", "vendor");

// MIT text for packages whose npm tarball ships no LICENSE file (@tabler/core
// declares "license": "MIT" in package.json and keeps its copyright notice in the
// dist file headers, but has no LICENSE file in the package).
const MIT_TEXT = `Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.
`;

// dir: folder under static/vendor/; pkg: npm package; files: paths inside the
// package (copied flat, under their base name, or [path, name] to give another
// name); licenses: same, optional ones marked with a trailing "?".
const LIBS = [
  {
    dir: "tabler",
    pkg: "@tabler/core",
    // tabler.min.js bundles Bootstrap's JS (incl. Popper): no bootstrap.bundle needed.
    files: ["dist/css/tabler.min.css", "dist/js/tabler.min.js"],
    licenses: [],
    mitCopyright: "Copyright (c) 2018-2026 The Tabler Authors\nCopyright (c) 2018-2026 codecalm.net Paweł Kuna",
  },
  {
    dir: "bootstrap",
    pkg: "bootstrap",
    // Fallback only: Tabler's CSS/JS already contain Bootstrap.
    files: ["dist/css/bootstrap.min.css", "dist/js/bootstrap.bundle.min.js"],
    licenses: ["LICENSE"],
  },
  {
    dir: "htmx",
    pkg: "htmx.org",
    files: ["dist/htmx.min.js"],
    licenses: ["LICENSE"],
  },
  {
    dir: "echarts",
    pkg: "echarts",
    files: ["dist/echarts.min.js"],
    // Apache-2.0: NOTICE must travel with the code; LICENSE-d3 covers bundled d3 code.
    licenses: ["LICENSE", "NOTICE", "licenses/LICENSE-d3?"],
  },
  {
    // Icons as inline SVG ({% icon "name" %}, xiangcun/core/templatetags/icons.py) instead of emoji, which show as
    // empty boxes where no emoji font is installed. Only the icons the templates use are copied: add a name here
    // (outline: "icons/outline/NAME.svg"; filled: ["icons/filled/NAME.svg", "NAME-filled.svg"]) and re-run.
    dir: "tabler-icons",
    pkg: "@tabler/icons",
    files: [
      "icons/outline/camera.svg",
      "icons/outline/check.svg",
      "icons/outline/circle-check.svg",
      ["icons/filled/star.svg", "star-filled.svg"],
    ],
    licenses: ["LICENSE"],
  },
  {
    dir: "maplibre-gl",
    pkg: "maplibre-gl",
    files: null, // chosen by major version below
    licenses: ["LICENSE.txt"],
  },
];

function die(msg) {
  console.error(`vendor: ERROR: ${msg}`);
  process.exit(1);
}

function readPkgJson(pkg) {
  const p = path.join(NODE_MODULES, pkg, "package.json");
  if (!fs.existsSync(p)) die(`${pkg} is not installed (${p} missing): run \`npm install\` first`);
  return JSON.parse(fs.readFileSync(p, "utf8"));
}

function maplibreFiles(version) {
  const major = Number(version.split(".")[0]);
  if (major >= 6) {
    // v6 is ES-module only. maplibre-gl.mjs locates the worker at
    // new URL("./maplibre-gl-worker.mjs", import.meta.url), so all files must sit
    // side by side. maplibre-gl-shared.mjs is kept for completeness (it may be empty).
    return ["dist/maplibre-gl.mjs", "dist/maplibre-gl-shared.mjs", "dist/maplibre-gl-worker.mjs", "dist/maplibre-gl.css"];
  }
  return ["dist/maplibre-gl.js", "dist/maplibre-gl.css"];
}

const SOURCEMAP_RE = /^[ \t]*(\/\/[#@] sourceMappingURL=\S*|\/\*[#@] sourceMappingURL=[^*]*\*\/)[ \t]*$/gm;
const REMOTE_IMPORT_RE = /@import\s+(?:url\(\s*)?["']?(?:https?:)?\/\/[^;]*;/gi;
const URL_RE = /url\(\s*(["']?)([^"')]*)\1\s*\)/gi;

function transform(text, name, shipped) {
  const notes = [];
  let out = text.replace(SOURCEMAP_RE, () => {
    notes.push("sourceMappingURL removed");
    return "";
  });
  if (name.endsWith(".css")) {
    out = out.replace(REMOTE_IMPORT_RE, (m) => {
      notes.push(`remote @import stripped: ${m.slice(0, 100)}`);
      return "";
    });
    for (const m of out.matchAll(URL_RE)) {
      const ref = m[2].trim();
      if (ref === "" || ref.startsWith("data:") || ref.startsWith("#")) continue;
      if (/^(https?:)?\/\//i.test(ref)) die(`${name} references a remote URL: ${ref}`);
      const local = path.basename(ref.split(/[?#]/)[0]);
      if (!shipped.has(local)) die(`${name} references ${ref}, which is not copied: add it to LIBS`);
    }
  }
  return { out, notes };
}

const source = (entry) => (Array.isArray(entry) ? entry[0] : entry);
const target = (entry) => (Array.isArray(entry) ? entry[1] : path.basename(entry));

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(11);

// 1. Resolve everything before touching the destination.
const plan = LIBS.map((lib) => {
  const meta = readPkgJson(lib.pkg);
  const files = lib.files ?? maplibreFiles(meta.version);
  const licenses = [];
  for (const spec of lib.licenses) {
    const optional = spec.endsWith("?");
    const rel = optional ? spec.slice(0, -1) : spec;
    if (fs.existsSync(path.join(NODE_MODULES, lib.pkg, rel))) licenses.push(rel);
    else if (!optional) die(`${lib.pkg}: ${rel} not found`);
  }
  for (const rel of files.map(source)) {
    if (!fs.existsSync(path.join(NODE_MODULES, lib.pkg, rel))) die(`${lib.pkg}: ${rel} not found`);
  }
  if (licenses.length === 0 && !lib.mitCopyright) die(`${lib.pkg}: no license file to ship`);
  return { ...lib, version: meta.version, license: meta.license, files, licenseFiles: licenses };
});

// 2. Clear and copy.
fs.rmSync(DEST, { recursive: true, force: true });
fs.mkdirSync(DEST, { recursive: true });

let total = 0;
const written = [];
function write(rel, data, note = "") {
  const abs = path.join(DEST, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, data);
  const size = Buffer.byteLength(data);
  total += size;
  written.push(rel);
  console.log(`${kb(size)}  vendor/${rel}${note ? `  (${note})` : ""}`);
}

for (const lib of plan) {
  const shipped = new Set(lib.files.map(target));
  for (const entry of lib.files) {
    const rel = source(entry);
    const name = target(entry);
    const src = path.join(NODE_MODULES, lib.pkg, rel);
    if (/\.(m?js|css)$/.test(name)) {
      const { out, notes } = transform(fs.readFileSync(src, "utf8"), `${lib.pkg}/${rel}`, shipped);
      write(`${lib.dir}/${name}`, out, notes.join("; "));
    } else {
      write(`${lib.dir}/${name}`, fs.readFileSync(src));
    }
  }
  for (const rel of lib.licenseFiles) {
    write(`${lib.dir}/${path.basename(rel)}`, fs.readFileSync(path.join(NODE_MODULES, lib.pkg, rel)));
  }
  if (lib.licenseFiles.length === 0) {
    if (lib.license !== "MIT") die(`${lib.pkg}: no LICENSE file and license is ${lib.license}, not MIT`);
    const text = `The MIT License (MIT)\n\n${lib.mitCopyright}\n\n${MIT_TEXT}`;
    write(`${lib.dir}/LICENSE`, text, `generated: ${lib.pkg} ships no LICENSE file; package.json says MIT`);
  }
}

const versions =
  "# Front-end libraries vendored by scripts/vendor.mjs from the versions pinned in\n" +
  "# package.json / package-lock.json. Do not edit files under vendor/ by hand.\n" +
  "# folder\tpackage\tversion\tlicense\n" +
  plan.map((l) => `${l.dir}\t${l.pkg}\t${l.version}\t${l.license}`).join("\n") +
  "\n";
write("VERSIONS.txt", versions);

console.log(`vendor: ${written.length} files, ${kb(total).trim()} total, in ${path.relative(ROOT, DEST)}/`);
