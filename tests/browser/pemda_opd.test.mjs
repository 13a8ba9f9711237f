// The perangkat daerah's side of the kabupaten (issue 14): the demo agency's perencana proposes
// a link upward from its unlinked objective SS4 to sasaran daerah S3 → Bappeda accepts it → the
// agency's % cascading rises from 60 to 80; Bappeda writes a review
// note on the agency's objective → the perencana finds it in "Tugas saya" and on its RPJMD page
// → resolves it → it leaves the task list. Every form is driven with the keyboard-friendly
// labels a person sees.
import assert from "node:assert/strict";
import { test } from "node:test";
import { login, logout, screenshot, setup } from "./harness.mjs";

const env = setup();

test("an OPD proposes upward, Bappeda accepts; a review note is written and resolved", () =>
  env.run("opd-side", async (page) => {
    await login(page, "bappeda");
    const pemdaPath = new URL(page.url()).pathname;
    const seed = page.locator("#peringkat li", { hasText: "Dinas Penanaman Modal" });
    assert.equal(await seed.getAttribute("data-persen"), "60,00%");
    await logout(page);

    // 1. The agency's perencana proposes SS4 → S3 from its RPJMD page.
    await login(page, "perencana");
    await page.getByRole("link", { name: "Tautan RPJMD" }).click();
    await page.waitForURL(/\/rpjmd$/);
    const rpjmdPath = new URL(page.url()).pathname;
    const form = page.locator("#form-usul");
    await form.getByLabel("Sasaran daerah", { exact: true }).selectOption("S3");
    await form.getByLabel("Sasaran organisasi ini").selectOption("kepala-dinas SS4");
    await form.getByLabel("Peran").selectOption("pendukung");
    await Promise.all([page.waitForURL(/pesan=diusulkan/), form.getByRole("button", { name: "Usulkan" }).click()]);
    const mine = page
      .locator('#daftar-tautan li[data-status="diusulkan"]', { hasText: "kepala-dinas SS4" })
      .filter({ hasText: "diusulkan oleh perangkat daerah" });
    const linkId = await mine.getAttribute("data-link-id");
    assert.ok(linkId);
    // The agency does not answer its own proposal.
    assert.equal(await mine.getByRole("button", { name: "Terima" }).count(), 0);
    await screenshot(page, "rpjmd-opd");
    await logout(page);

    // 2. Bappeda accepts it; the agency's head objectives are 4 of 5 linked now.
    await login(page, "bappeda");
    const link = page.locator(`#tautan-${linkId}`);
    await Promise.all([page.waitForURL(/pesan=diterima/), link.getByRole("button", { name: "Terima" }).click()]);
    await page.locator(`#tautan-${linkId}[data-status="diterima"]`).waitFor();
    assert.equal(await seed.getAttribute("data-persen"), "80,00%");

    // 3. Bappeda writes a review note on the agency's SS4.
    const note = page.locator("#form-catatan");
    await note.getByLabel("Pohon kinerja").selectOption({ label: "Dinas Penanaman Modal, Pelayanan Terpadu Satu Pintu, Perindustrian dan Tenaga Kerja" });
    await note.getByLabel(/^Pada/).fill("kepala-dinas SS4");
    await note.getByLabel("Catatan", { exact: true }).fill("Indikator SS4 belum punya formula yang jelas.");
    await Promise.all([page.waitForURL(/pesan=catatan/), note.getByRole("button", { name: "Simpan catatan" }).click()]);
    await page.locator("#daftar-catatan li[data-open=true]", { hasText: "formula yang jelas" }).waitFor();
    assert.equal(new URL(page.url()).pathname, pemdaPath);
    await logout(page);

    // 4. The perencana sees it in its tasks and resolves it on its RPJMD page.
    await login(page, "perencana");
    await page.goto("/tugas");
    const task = page.locator('li[data-task="catatan-reviu"]', { hasText: "formula yang jelas" });
    await task.first().waitFor();
    await task.first().getByRole("link").first().click();
    await page.waitForURL(new RegExp(`${rpjmdPath}#catatan-\\d+$`));
    const open = page.locator("#daftar-catatan li[data-open=true]", { hasText: "formula yang jelas" });
    await Promise.all([page.waitForURL(/pesan=catatan-selesai/), open.getByRole("button", { name: "Tandai selesai" }).click()]);
    await page.locator("#daftar-catatan li[data-open=false]", { hasText: "formula yang jelas" }).waitFor();
    await page.goto("/tugas");
    assert.equal(await page.locator('li[data-task="catatan-reviu"]', { hasText: "formula yang jelas" }).count(), 0);
    // The demo's own open note on SS4 is still there.
    assert.equal(await page.locator('li[data-task="catatan-reviu"]').count(), 1);
    assert.deepEqual(page.errors, []);
  }));
