// Runs a Python script inside the real Pyodide runtime (npm `pyodide`) under Node.
//
//   node pyodide_run.mjs <pyodide dir> <wheels dir> <script.py> <requirement>...
//
// The wheels directory is served as a PEP 691 package index on 127.0.0.1, so micropip resolves
// the requirements (and their dependencies, with their environment markers) from local files
// only; micropip's own wheel is loaded from the same directory (packageCacheDir). The script's
// stdout is the runner's stdout; the exit status is 0 only when install and script succeeded.
import { createServer } from "node:http";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, wheelsDir, scriptPath, ...requirements] = process.argv.slice(2).map((a, i) => (i < 3 ? resolve(a) : a));

const canonical = (name) => name.toLowerCase().replace(/[-_.]+/g, "-");
const server = createServer((req, res) => serve(req, res));
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}`;
const projects = new Map();
for (const file of readdirSync(wheelsDir).filter((f) => f.endsWith(".whl"))) {
  const name = canonical(file.split("-")[0]);
  const sha256 = createHash("sha256").update(readFileSync(join(wheelsDir, file))).digest("hex");
  if (!projects.has(name)) projects.set(name, []);
  projects.get(name).push({ filename: file, url: `${base}/files/${file}`, hashes: { sha256 } });
}

function serve(req, res) {
  const path = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
  const simple = path.match(/^\/simple\/([^/]+)\/?$/);
  if (simple && projects.has(canonical(simple[1]))) {
    const name = canonical(simple[1]);
    res.writeHead(200, { "content-type": "application/vnd.pypi.simple.v1+json" });
    res.end(JSON.stringify({ meta: { "api-version": "1.0" }, name, files: projects.get(name) }));
    return;
  }
  const file = path.match(/^\/files\/([^/]+\.whl)$/);
  if (file && readdirSync(wheelsDir).includes(file[1])) {
    res.writeHead(200, { "content-type": "application/octet-stream" });
    res.end(readFileSync(join(wheelsDir, file[1])));
    return;
  }
  res.writeHead(404);
  res.end();
}
const index = `${base}/simple`;

let status = 1;
try {
  const { loadPyodide } = await import(pathToFileURL(join(pyodideDir, "pyodide.mjs")).href);
  const pyodide = await loadPyodide({ indexURL: pyodideDir + "/", packageCacheDir: wheelsDir + "/", stdout: (s) => console.log(s), stderr: (s) => console.error(s) });
  await pyodide.loadPackage("micropip");
  pyodide.globals.set("REQUIREMENTS", pyodide.toPy(requirements));
  pyodide.globals.set("INDEX", index);
  await pyodide.runPythonAsync("import micropip\nawait micropip.install(REQUIREMENTS, index_urls=[INDEX])");
  await pyodide.runPythonAsync(readFileSync(scriptPath, "utf8"), { filename: scriptPath });
  status = 0;
} catch (err) {
  console.error(String(err && err.message ? err.message : err));
} finally {
  server.close();
}
process.exit(status);
