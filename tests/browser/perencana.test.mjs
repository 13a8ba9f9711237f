// The planner's day: log in, see the demo agency, open a unit, read the audit log; then (issue 3)
// open the diagram, add an objective with an indicator through the forms, find it in the
// diagram and see both creations in the audit log.
import assert from "node:assert/strict";
import { test } from "node:test";
import { mkdir } from "node:fs/promises";
import { DEMO_UNITS, SCREENSHOTS, login, orgId, setup } from "./harness.mjs";

const env = setup();

test("perencana: overview shows the demo agency's 23 units and the DATA DEMO banner", () =>
  env.run("overview", async (page) => {
    await login(page, "perencana");
    assert.match(new URL(page.url()).pathname, /^\/organisasi\/\d+$/, "lands on its organisation");
    await assert.doesNotReject(page.getByRole("note").filter({ hasText: "DATA DEMO" }).waitFor());
    await assert.doesNotReject(
      page.getByRole("heading", { level: 1, name: /Dinas Penanaman Modal/ }).waitFor(),
    );
    const rows = page.locator("table tbody tr");
    assert.equal(await rows.count(), DEMO_UNITS, "one row per unit");
    assert.equal(await page.locator('table tbody a[href*="/unit/"]').count(), DEMO_UNITS);
    const stat = page.locator(".card", { hasText: "unit kerja" }).locator(".stat").first();
    assert.equal((await stat.textContent()).trim(), String(DEMO_UNITS));
    // The menu of a planner: organisation, audit log, change password, log out; no user admin.
    const nav = page.getByRole("navigation", { name: "Menu utama" });
    assert.equal(await nav.getByRole("link", { name: "Log audit" }).count(), 1);
    assert.equal(await nav.getByRole("link", { name: "Pengguna" }).count(), 0);
    assert.deepEqual(page.errors, []);
  }));

test("perencana: a unit page shows its objectives, indicators and cascade links", () =>
  env.run("unit", async (page) => {
    await login(page, "perencana");
    await page.getByRole("link", { name: "Seksi Industri Agro", exact: true }).click();
    await page.waitForURL(/\/unit\/seksi-industri-agro$/);
    await page.getByRole("heading", { level: 1, name: /Seksi Industri Agro/ }).waitFor();
    assert.ok((await page.locator("section.objective").count()) > 0, "has objectives");
    assert.ok((await page.locator("section.objective .indicator").count()) > 0, "has indicators");
    await page.getByText("Mendukung:").first().waitFor();
    // The breadcrumb leads back to the parent Bidang.
    await page.locator("p.muted a").nth(1).click();
    await page.waitForURL(/\/unit\/bidang-perindustrian$/);
    await page.getByRole("heading", { level: 2, name: "Unit di bawahnya" }).waitFor();
    assert.deepEqual(page.errors, []);
  }));

test("perencana: the audit log is in the menu and lists the demo load and logins", () =>
  env.run("audit", async (page) => {
    await login(page, "perencana");
    await page.getByRole("navigation", { name: "Menu utama" }).getByRole("link", { name: "Log audit" }).click();
    await page.waitForURL(/\/audit/);
    await page.getByRole("heading", { level: 1, name: "Log audit" }).waitFor();
    await page.getByRole("form", { name: "Saring log audit" }).waitFor();
    const entries = page.locator("details.card");
    assert.ok((await entries.count()) > 0, "has entries");
    // Filtering by user narrows to this planner's own records (its logins).
    await page.locator("select[name=org]").selectOption({ index: 1 });
    await page.locator("input[name=user]").fill("perencana");
    await Promise.all([page.waitForURL(/user=perencana/), page.getByRole("button", { name: "Saring" }).click()]);
    const mine = await entries.count();
    assert.ok(mine > 0, "the planner's logins are audited");
    for (const s of await entries.locator("summary").allTextContents()) assert.match(s, /perencana/);
    // An entry opens to its before/after table.
    await entries.first().locator("summary").click();
    await entries.first().locator("table.diff").waitFor();
    assert.deepEqual(page.errors, []);
  }));

test(
  "perencana: the audit filter works with the organisation left at '(semua…)'",
  () =>
    env.run("audit-filter-all-orgs", async (page) => {
      await login(page, "perencana");
      await page.goto("/audit");
      await page.locator("input[name=user]").fill("perencana");
      await Promise.all([page.waitForURL(/user=perencana/), page.getByRole("button", { name: "Saring" }).click()]);
      await page.getByRole("heading", { level: 1, name: "Log audit" }).waitFor({ timeout: 3_000 });
      assert.ok((await page.locator("details.card").count()) > 0, "entries are listed");
    }),
);

// ---- The diagram and the editing forms (issue 3, item 5) ------------------------------------

const UNIT = "seksi-industri-agro";
// A word found nowhere in the demo agency, so the diagram search matches only the new nodes.
const WORD = "rempahuji";
const STATEMENT = `Meningkatnya ekspor produk olahan ${WORD} IKM agro`;
const INDICATOR = `Persentase IKM agro pengekspor ${WORD}`;

test("perencana: the diagram shows the demo agency's 23 units", () =>
  env.run("diagram", async (page) => {
    await login(page, "perencana");
    await page.getByRole("link", { name: "Lihat diagram pohon kinerja" }).click();
    await page.waitForURL(/\/organisasi\/\d+\/pohon/);
    await page.getByRole("heading", { level: 1, name: "Pohon kinerja" }).waitFor();
    const svg = page.getByRole("region", { name: "Diagram pohon kinerja" }).locator("svg").first();
    await svg.waitFor();
    assert.equal(await svg.locator("g.unit[data-unit]").count(), DEMO_UNITS);
    assert.ok((await svg.locator("g.objective[data-unit][data-code]").count()) >= DEMO_UNITS);
    // The menu leads to the same diagram.
    await page.goto("/");
    await page.getByRole("navigation", { name: "Menu utama" }).getByRole("link", { name: "Pohon kinerja" }).click();
    await page.waitForURL(/\/organisasi\/\d+\/pohon/);
    assert.deepEqual(page.errors, []);
  }));

test("perencana: adds an objective with an indicator through the forms, finds it in the diagram and in the audit log", () =>
  env.run("edit-flow", async (page) => {
    await login(page, "perencana");
    const org = await orgId(page);

    // 1. The unit page offers the edit controls to a planner.
    await page.goto(`/organisasi/${org}/unit/${UNIT}`);
    await page.getByRole("link", { name: "+ Sasaran" }).click();
    await page.waitForURL(/\/sasaran\/baru$/);
    const code = page.getByLabel("Kode");
    const objectiveCode = (await code.inputValue()).trim() || "SS9";
    await code.fill(objectiveCode);
    await page.getByLabel("Pernyataan sasaran").fill(STATEMENT);
    await Promise.all([
      page.waitForURL((u) => u.pathname.endsWith(`/unit/${UNIT}`)),
      page.getByRole("button", { name: "Simpan" }).click(),
    ]);
    await page.getByRole("status").filter({ hasText: "Sasaran ditambahkan." }).waitFor();
    const section = page.locator(`section.objective#sasaran-${objectiveCode}`);
    await section.getByRole("heading", { name: STATEMENT }).waitFor();

    // 2. An indicator for it, with its manual and a target.
    await section.getByRole("link", { name: "+ Indikator" }).click();
    await page.waitForURL(/\/indikator\/baru$/);
    const icode = page.getByLabel("Kode");
    const indicatorCode = (await icode.inputValue()).trim() || "IK9.1";
    await icode.fill(indicatorCode);
    await page.getByLabel("Nama indikator").fill(INDICATOR);
    await page.getByLabel("Satuan").fill("%");
    await page.getByLabel("Polaritas").selectOption("positive");
    await page.getByLabel("Definisi").fill("Bagian IKM agro binaan yang mengekspor produk olahannya.");
    await page.getByLabel("2026", { exact: true }).fill("12,5");
    await Promise.all([
      page.waitForURL((u) => u.pathname.endsWith(`/unit/${UNIT}`)),
      page.getByRole("button", { name: "Simpan indikator" }).click(),
    ]);
    await page.getByRole("status").filter({ hasText: "Indikator ditambahkan." }).waitFor();
    const indicator = section.locator(".indicator", { hasText: INDICATOR });
    await indicator.waitFor();
    assert.match(await indicator.textContent(), new RegExp(indicatorCode.replace(".", "\\.")));

    // 3. The diagram has both; the search box highlights them.
    await page.goto(`/organisasi/${org}/pohon`);
    const svg = page.getByRole("region", { name: "Diagram pohon kinerja" }).locator("svg").first();
    const objective = svg.locator(`g.objective[data-unit="${UNIT}"][data-code="${objectiveCode}"]`);
    await objective.waitFor({ state: "attached" });
    const search = page.getByRole("searchbox", { name: "Cari unit, sasaran atau indikator" });
    await search.fill(WORD);
    await page.locator("#pohon-cocok").filter({ hasText: "cocok" }).waitFor();
    await assert.doesNotReject(objective.and(page.locator(".match")).waitFor({ state: "attached" }));
    const matches = await svg.locator(".match").evaluateAll((els) =>
      els.map((e) => `${e.getAttribute("class")} ${e.getAttribute("data-code")}`),
    );
    assert.ok(matches.length >= 1 && matches.length <= 2, `only the new nodes match: ${matches}`);
    await search.press("Enter");
    await objective.and(page.locator(".current")).waitFor({ state: "attached" });
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: `${SCREENSHOTS}/desktop-15-pohon-cari.png` });
    // Folding everything: both downloads (SVG and the PDF poster) follow the folding shown.
    const fold = page.locator("#pohon-lipat");
    if (/Lipat/.test(await fold.textContent())) { await fold.click(); }
    await page.locator("#pohon-lipat", { hasText: "Buka semua" }).waitFor();
    for (const id of ["#pohon-unduh", "#pohon-unduh-pdf"]) {
      await page.waitForFunction(
        (sel) => /collapsed=/.test(document.querySelector(sel).getAttribute("href")),
        id,
      );
    }
    assert.match(await page.locator("#pohon-unduh-pdf").getAttribute("href"), /^\/organisasi\/\d+\/pohon\.pdf\?/);

    // 4. The audit log shows both creations, by the planner.
    await page.goto("/audit");
    const summaries = (await page.locator("details.card summary").allTextContents()).map((s) => s.replace(/\s+/g, " "));
    assert.ok(summaries.some((s) => /perencana/.test(s) && /sasaran/.test(s)), `objective creation audited: ${summaries.slice(0, 5)}`);
    assert.ok(summaries.some((s) => /perencana/.test(s) && /indikator/.test(s)), `indicator creation audited: ${summaries.slice(0, 5)}`);
    const created = page.locator("details.card", { hasText: "sasaran" }).first();
    await created.locator("summary").click();
    await created.locator("table.diff", { hasText: STATEMENT }).waitFor();
    assert.deepEqual(page.errors, []);
  }));
