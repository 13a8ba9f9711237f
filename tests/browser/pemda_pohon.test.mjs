// The whole kabupaten (issue 14): the Bupati opens the kabupaten's pohon kinerja from the pemda
// page — the RPJMD tree on top, the perangkat daerah cards under the sasaran daerah they
// realise, folded — opens one OPD's subtree with one click, reads an RPJMD node's details,
// searches across every OPD, and downloads the pemda's documents (IKU, cascading, the
// Bupati's Perjanjian Kinerja) from the page's Dokumen section; also on a phone.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { login, screenshot, setup } from "./harness.mjs";

const env = setup();

test("the Bupati reads the kabupaten's pohon kinerja and downloads the pemda's documents", () =>
  env.run("kabupaten", async (page) => {
    await login(page, "bupati");
    const pemdaPath = new URL(page.url()).pathname;
    assert.match(pemdaPath, /^\/pemda\/\d+$/);

    // 1. The diagram: the visi and the RPJMD nodes, OPD cards under them, folded.
    await page.locator("#link-pohon-kabupaten").click();
    await page.waitForURL(/\/pemda\/\d+\/pohon/);
    const svg = page.getByRole("region", { name: "Diagram pohon kinerja" }).locator("svg").first();
    await svg.locator("#u-visi").waitFor({ state: "attached" });
    const opd = svg.locator('g.unit[data-unit*="-o"]');
    const folded = await opd.count();
    assert.ok(folded >= 5, `every realising OPD has a card (${folded})`);
    await screenshot(page, "pemda-pohon");

    // 2. One click on a card's toggle opens that OPD's subtree.
    const toggle = svg.locator('g.toggle[data-unit*="-o"]').first();
    const key = await toggle.getAttribute("data-unit");
    const prefix = key.replace(/-u\d+$/, "-u");
    const before = await svg.locator(`g.unit[data-unit^="${prefix}"]`).count();
    // (A click on the toggle's group, as the viewport's listener receives it.)
    await toggle.dispatchEvent("click");
    await page.waitForFunction(
      ([p, n]) => document.querySelectorAll(`svg g.unit[data-unit^="${p}"]`).length > n,
      [prefix, before],
    );

    // 3. An RPJMD node's details: its indicators and who realises it.
    const node = page.locator("svg").first().locator('g.unit[data-unit="n1"]');
    await node.dispatchEvent("click");
    const detail = page.locator("#pohon-detail");
    await detail.locator("text=/IKS|IKT/").first().waitFor();

    // 4. The search covers every OPD's objectives.
    const search = page.getByRole("searchbox", { name: "Cari unit, sasaran atau indikator" });
    await search.fill("stunting");
    await page.locator("#pohon-cocok").filter({ hasText: "cocok" }).waitFor();
    assert.ok((await page.locator("svg .match").count()) >= 1, "Dinas Kesehatan's indicator matches");

    // 5. The documents, from the pemda page.
    await page.goto(pemdaPath);
    for (const [id, pattern, magic] of [
      ["#unduh-iku-pdf", /^iku-.+-\d{4}\.pdf$/, "%PDF"],
      ["#unduh-iku-xlsx", /^iku-.+-\d{4}\.xlsx$/, "PK"],
      ["#unduh-cascading-xlsx", /^cascading-.+-\d{4}\.xlsx$/, "PK"],
      ["#unduh-pk-kepala-daerah", /^pk-kepala-daerah-.+-\d{4}\.pdf$/, "%PDF"],
    ]) {
      const [download] = await Promise.all([page.waitForEvent("download"), page.locator(id).click()]);
      assert.match(download.suggestedFilename(), pattern);
      const bytes = await readFile(await download.path());
      assert.equal(bytes.subarray(0, magic.length).toString("latin1"), magic, id);
    }
    assert.deepEqual(page.errors, []);
  }));

test("the kabupaten's diagram on a phone", () =>
  env.run("kabupaten-phone", async (page) => {
    await login(page, "bappeda");
    const pemda = new URL(page.url()).pathname;
    await page.goto(`${pemda}/pohon?warna=capaian&tahun=2025`);
    const svg = page.getByRole("region", { name: "Diagram pohon kinerja" }).locator("svg").first();
    await svg.locator("#u-visi").waitFor({ state: "attached" });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390 + 1, `no sideways scrolling of the page (${width} px)`);
    await screenshot(page, "pemda-pohon-hp");
    assert.deepEqual(page.errors, []);
  }, { phone: true }));
