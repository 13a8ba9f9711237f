// The browser tests' harness: one Pokin server (demo data, fresh data directory, free port) and
// one headless Debian Chromium per test file, driven by playwright-core. Builds nothing: the
// binary comes from POKIN_BIN (default target/debug/pokin). Everything started here is stopped
// by `stop()`, registered with node:test's `after`, and again on process exit.
//
//   import { test } from "node:test";
//   import { setup, login } from "./harness.mjs";
//   const env = setup();                       // registers before/after hooks
//   test("…", () => env.run("name", async (page) => { await login(page, "perencana"); … }));

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const ARTIFACTS = path.join(ROOT, "test-artifacts");
export const SCREENSHOTS = path.join(ARTIFACTS, "screenshots");
export const FAILURES = path.join(ARTIFACTS, "failures");
export const LOGS = path.join(ARTIFACTS, "logs");
export const PASSWORD = "pokin-demo";
export const DESKTOP = { width: 1366, height: 900 };
export const PHONE = { width: 390, height: 844 };
/** The demo agency's number of units (data/demo/dpmptsp-naker.yaml). */
export const DEMO_UNITS = 23;

export const CHROMIUM = process.env.POKIN_CHROMIUM || "/usr/bin/chromium";
// As known to work on the CI machine: no sandbox (root), no GPU, and no background traffic to
// Google's hosts (the network is closed). Playwright adds a fresh temporary --user-data-dir
// for every launch and removes it on close.
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const children = new Set();
process.on("exit", () => {
  for (const c of children) {
    try {
      c.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
});
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => process.exit(130));
}

/** The pokin binary under test. */
export function pokinBin() {
  const bin = process.env.POKIN_BIN || path.join(ROOT, "target/debug/pokin");
  return path.isAbsolute(bin) ? bin : path.join(ROOT, bin);
}

/** A TCP port that is free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts `pokin --data-dir <fresh> serve --demo --listen 127.0.0.1:<port>` and waits until
 * /masuk answers. Returns { url, dataDir, logFile, stop }.
 */
export async function startServer(name = "server") {
  const bin = pokinBin();
  if (!existsSync(bin)) {
    throw new Error(`pokin binary not found at ${bin}: build it (cargo build -p pokin) or set POKIN_BIN`);
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "pokin-browser-"));
  await mkdir(LOGS, { recursive: true });
  const logFile = path.join(LOGS, `${name}.log`);
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(bin, ["--data-dir", dataDir, "serve", "--demo", "--listen", `127.0.0.1:${port}`], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, RUST_LOG: process.env.RUST_LOG || "warn" },
    });
    children.add(child);
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    let exited = null;
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      children.delete(child);
    });
    const deadline = Date.now() + 60_000;
    let up = false;
    while (Date.now() < deadline && exited === null) {
      try {
        const res = await fetch(`${url}/masuk`, { redirect: "manual" });
        if (res.status === 200) {
          up = true;
          break;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (up) {
      const stop = async () => {
        if (exited === null) {
          const gone = new Promise((r) => child.once("exit", r));
          child.kill("SIGTERM");
          const t = setTimeout(() => child.kill("SIGKILL"), 5_000);
          await gone;
          clearTimeout(t);
        }
        await writeFile(logFile, output).catch(() => {});
        await rm(dataDir, { recursive: true, force: true });
      };
      return { url, dataDir, logFile, stop, output: () => output };
    }
    child.kill("SIGKILL");
    lastError = new Error(
      `pokin serve did not answer on ${url}/masuk (${exited ? `exited ${JSON.stringify(exited)}` : "timeout"}):\n${output}`,
    );
    // A port taken between freePort() and the bind: try another.
    if (!/in use|AddrInUse/i.test(output)) break;
  }
  await rm(dataDir, { recursive: true, force: true });
  throw lastError;
}

/** Launches Debian's Chromium, headless, with the flags above. */
export function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/**
 * Registers before/after hooks for a test file: a server and a browser, stopped afterwards even
 * when tests fail. Returns an object whose fields are filled in `before`:
 *   env.url, env.server, env.browser,
 *   env.page({ phone, baseURL… }) → a page in a new (isolated) context, collecting console errors,
 *   env.run(name, fn) → runs fn(page) with a fresh desktop page; on failure saves a screenshot
 *     to test-artifacts/failures/<name>.png and the page's errors, then rethrows.
 */
export function setup(name = path.basename(process.argv[1] || "browser", ".test.mjs")) {
  const env = { url: null, server: null, browser: null, contexts: [] };
  before(async () => {
    env.server = await startServer(name);
    env.url = env.server.url;
    env.browser = await launchBrowser();
  });
  after(async () => {
    for (const c of env.contexts) await c.close().catch(() => {});
    if (env.browser) await env.browser.close().catch(() => {});
    if (env.server) await env.server.stop();
  });
  env.page = async ({ phone = false } = {}) => {
    const context = await env.browser.newContext({
      baseURL: env.url,
      viewport: phone ? PHONE : DESKTOP,
      deviceScaleFactor: 1,
      isMobile: phone,
      hasTouch: phone,
      locale: "id-ID",
      timezoneId: "Asia/Jakarta",
    });
    context.setDefaultTimeout(15_000);
    env.contexts.push(context);
    const page = await context.newPage();
    page.errors = [];
    page.on("pageerror", (e) => page.errors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      // Failed loads are reported below with their address.
      if (m.type() === "error" && !/^Failed to load resource/.test(m.text())) {
        page.errors.push(`console: ${m.text()}`);
      }
    });
    page.on("response", (r) => {
      const u = new URL(r.url());
      // Browsers ask for /favicon.ico by themselves; Pokin has none (a 404 there is harmless).
      if (r.status() >= 400 && r.request().resourceType() !== "document" && u.pathname !== "/favicon.ico") {
        page.errors.push(`${r.status()} ${u.pathname}`);
      }
    });
    return page;
  };
  env.run = async (testName, fn, opts = {}) => {
    const page = await env.page(opts);
    try {
      await fn(page);
    } catch (e) {
      await mkdir(FAILURES, { recursive: true });
      const file = path.join(FAILURES, `${name}--${slug(testName)}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => {});
      e.message += `\n  page: ${page.url()}\n  screenshot: ${path.relative(ROOT, file)}` +
        (page.errors.length ? `\n  page errors:\n    ${page.errors.join("\n    ")}` : "");
      throw e;
    } finally {
      await page.context().close().catch(() => {});
    }
  };
  return env;
}

export function slug(s) {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** Logs in through the login form; ends on the page the server redirects to. */
export async function login(page, user, password = PASSWORD) {
  await page.goto("/masuk");
  await page.getByLabel("Nama pengguna").fill(user);
  await page.getByLabel("Sandi").fill(password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith("/masuk")),
    page.getByRole("button", { name: "Masuk" }).click(),
  ]);
}

/** Logs out with the menu's Keluar button (opening the phone menu first when needed). */
export async function logout(page) {
  const keluar = page.getByRole("button", { name: "Keluar" });
  // Error pages carry no menu: go to one that does.
  if ((await keluar.count()) === 0) await page.goto("/organisasi");
  if (!(await keluar.isVisible())) await page.getByRole("button", { name: "Menu" }).click();
  await Promise.all([page.waitForURL(/\/masuk/), keluar.click()]);
}

/** Saves a full-page screenshot to test-artifacts/screenshots/<name>.png. */
export async function screenshot(page, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The id of the (only) organisation the logged-in user lands on, from the URL of `/`. */
export async function orgId(page) {
  await page.goto("/");
  const m = new URL(page.url()).pathname.match(/^\/organisasi\/(\d+)/);
  if (!m) throw new Error(`/ did not lead to an organisation: ${page.url()}`);
  return Number(m[1]);
}

/** Submits a hand-made form from the current page (same origin, with the session cookie), as a
 * user could with a crafted form; `csrf: true` adds the page's own CSRF token. Waits for the
 * page the server answers with and returns its HTTP status. */
export async function submitForm(page, action, fields = {}, { csrf = true } = {}) {
  const response = page.waitForNavigation();
  await page.evaluate(
    ({ action, fields, csrf }) => {
      const form = document.createElement("form");
      form.method = "post";
      form.action = action;
      const all = { ...fields };
      if (csrf) {
        const meta = document.querySelector('meta[name="csrf-token"]');
        all._csrf = meta ? meta.content : "";
      }
      for (const [k, v] of Object.entries(all)) {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = k;
        input.value = v;
        form.append(input);
      }
      document.body.append(form);
      form.submit();
    },
    { action, fields, csrf },
  );
  const res = await response;
  return res ? res.status() : null;
}

/** Asserts the page is Pokin's 403 page and returns its explanation. */
export async function forbiddenReason(page) {
  const alert = page.locator(".error-page");
  await alert.waitFor();
  const code = (await alert.locator(".code").textContent()).trim();
  const title = (await alert.locator("h1").textContent()).trim();
  if (code !== "403" || title !== "Akses ditolak") {
    throw new Error(`expected the 403 page (Akses ditolak), got ${code} ${title}`);
  }
  return (await alert.locator("p").first().textContent()).trim();
}
