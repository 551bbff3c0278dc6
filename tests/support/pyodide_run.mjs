// Runs a Python script inside the real Pyodide runtime (npm `pyodide`) under Node.
//
//   node pyodide_run.mjs <config.json>
//   config: {pyodide, wheels, script, preinstalled: [req...], requirements: [req...], without: [name...]}
//
// The wheels directory is served as a PEP 691 package index on 127.0.0.1, so micropip resolves
// requirements (and their dependencies, with their environment markers) from local files only;
// micropip's own wheel is loaded from the same directory (packageCacheDir). `without` drops
// packages from Pyodide's lock file (a Pyodide release that does not ship them). `preinstalled`
// is installed first (what xlwings Lite has before reading requirements.txt); a failure to
// install `requirements` is left to the script, as the string INSTALL_ERROR (None on success).
// The script's stdout is the runner's stdout; the exit status is 0 only when the script succeeded.
import { createServer } from "node:http";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const [pyodideDir, wheelsDir, scriptPath] = [config.pyodide, config.wheels, config.script].map((p) => resolve(p));

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
  const lock = JSON.parse(readFileSync(join(pyodideDir, "pyodide-lock.json"), "utf8"));
  for (const name of config.without || []) delete lock.packages[name];
  const pyodide = await loadPyodide({
    indexURL: pyodideDir + "/", packageCacheDir: wheelsDir + "/", lockFileContents: lock, packageBaseUrl: pyodideDir + "/",
    stdout: (s) => console.log(s), stderr: (s) => console.error(s),
  });
  await pyodide.loadPackage("micropip");
  pyodide.globals.set("PREINSTALLED", pyodide.toPy(config.preinstalled || []));
  pyodide.globals.set("REQUIREMENTS", pyodide.toPy(config.requirements || []));
  pyodide.globals.set("INDEX", index);
  await pyodide.runPythonAsync(`
import micropip
if PREINSTALLED:
    await micropip.install(PREINSTALLED, index_urls=[INDEX])
INSTALL_ERROR = None
try:
    await micropip.install(REQUIREMENTS, index_urls=[INDEX])
except Exception as exc:
    INSTALL_ERROR = f"{type(exc).__name__}: {exc}"
`);
  await pyodide.runPythonAsync(readFileSync(scriptPath, "utf8"), { filename: scriptPath });
  status = 0;
} catch (err) {
  console.error(String(err && err.message ? err.message : err));
} finally {
  server.close();
}
process.exit(status);
