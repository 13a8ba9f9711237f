// The kabupaten (issue 14): Bappeda proposes a link from a sasaran daerah to the demo agency →
// the agency's perencana rejects it with a reason → Bappeda proposes it again → the perencana
// accepts it naming its objective → the coverage page and the Bupati's IKU capaian change →
// the audit log shows all four steps. Also: the Bupati reads the pemda page, and a perencana of
// the agency cannot answer another organisation's link.
import assert from "node:assert/strict";
import { test } from "node:test";
import { forbiddenReason, login, logout, screenshot, setup, submitForm } from "./harness.mjs";

const env = setup();
const AGENCY = "Dinas Penanaman Modal, Pelayanan Terpadu Satu Pintu, Perindustrian dan Tenaga Kerja";

/** The pemda page's figures: the demo agency's % cascading and IKS4's capaian. */
async function figures(page) {
  const seed = page.locator("#peringkat li", { hasText: "Dinas Penanaman Modal" });
  return {
    persen: await seed.getAttribute("data-persen"),
    iks4: await page.locator('tr[data-iku="IKS4"]').getAttribute("data-capaian"),
    matrix: await page.locator('tr[data-indikator="IKS4"] td[data-cell="diterima"]').count(),
  };
}

/** The newest link of the demo agency to S4 on the page: its element. */
function s4Link(page, status) {
  return page
    .locator(`#daftar-tautan li[data-status="${status}"]`, { hasText: "S4 Meningkatnya daya saing" })
    .filter({ hasText: "Dinas Penanaman Modal" })
    .last();
}

test("bappeda and the OPD planner: propose, reject with a reason, propose again, accept", () =>
  env.run("link-lifecycle", async (page) => {
    await login(page, "bappeda");
    assert.match(new URL(page.url()).pathname, /^\/pemda\/\d+$/, "Bappeda lands on its pemda");
    const pemdaPath = new URL(page.url()).pathname;
    await page.getByRole("heading", { level: 1, name: "Pemerintah Kabupaten Sukamaju" }).waitFor();
    const before = await figures(page);
    assert.equal(before.persen, "60,00%");
    await screenshot(page, "pemda-bappeda");

    // 1. Bappeda proposes S4 to the demo agency (as a supporting link).
    await page.getByLabel("Perangkat daerah", { exact: true }).selectOption({ label: AGENCY });
    await page.getByLabel("Sasaran daerah", { exact: true }).selectOption("S4");
    await page.getByLabel("Peran", { exact: true }).selectOption("pendukung");
    await Promise.all([page.waitForURL(/pesan=diusulkan/), page.getByRole("button", { name: "Usulkan tautan" }).click()]);
    const proposed = s4Link(page, "diusulkan");
    const linkId = await proposed.getAttribute("data-link-id");
    assert.ok(linkId, "the new link is listed as waiting");
    // Bappeda cannot answer its own proposal.
    assert.equal(await proposed.getByRole("button", { name: "Terima" }).count(), 0);
    await logout(page);

    // 2. The agency's perencana rejects it; a reason is required.
    await login(page, "perencana");
    await page.getByRole("link", { name: "Tautan RPJMD" }).click();
    await page.waitForURL(/\/rpjmd$/);
    const rpjmdPath = new URL(page.url()).pathname;
    const mine = page.locator(`#tautan-${linkId}`);
    // Without a reason the server refuses too (bypassing the browser's `required`).
    const status = await submitForm(page, `/pemda/${pemdaPath.split("/")[2]}/tautan/${linkId}/tolak`, { alasan: "" });
    assert.equal(status, 422);
    await page.locator("#penolakan", { hasText: "alasan penolakan wajib diisi" }).waitFor();
    await page.goto(rpjmdPath);
    await mine.getByLabel("Alasan penolakan (wajib)").fill("Sasaran kami lebih tepat pada S3.");
    await Promise.all([page.waitForURL(/pesan=ditolak/), mine.getByRole("button", { name: "Tolak" }).click()]);
    await page.locator(`#tautan-${linkId}[data-status="ditolak"]`, { hasText: "Sasaran kami lebih tepat pada S3." }).waitFor();
    await logout(page);

    // 3. Bappeda sees the reason and proposes again: the same link waits again.
    await login(page, "bappeda");
    await page.locator(`#tautan-${linkId}[data-status="ditolak"]`, { hasText: "lebih tepat pada S3" }).waitFor();
    await page.getByLabel("Perangkat daerah", { exact: true }).selectOption({ label: AGENCY });
    await page.getByLabel("Sasaran daerah", { exact: true }).selectOption("S4");
    await page.getByLabel("Peran", { exact: true }).selectOption("pendukung");
    await Promise.all([page.waitForURL(/pesan=diusulkan/), page.getByRole("button", { name: "Usulkan tautan" }).click()]);
    await page.locator(`#tautan-${linkId}[data-status="diusulkan"]`).waitFor();
    await logout(page);

    // 4. The perencana accepts, naming its objective SS4.
    await login(page, "perencana");
    await page.goto(rpjmdPath);
    await mine.getByLabel("Sasaran organisasi yang mewujudkannya").selectOption("kepala-dinas SS4");
    await Promise.all([page.waitForURL(/pesan=diterima/), mine.getByRole("button", { name: "Terima" }).click()]);
    await page.locator(`#tautan-${linkId}[data-status="diterima"]`, { hasText: "kepala-dinas SS4" }).waitFor();
    await logout(page);

    // 5. Coverage and the Bupati's IKU changed.
    await login(page, "bupati");
    assert.equal(new URL(page.url()).pathname, pemdaPath, "the Bupati lands on the pemda page");
    const after = await figures(page);
    assert.equal(after.persen, "80,00%", "4 of the agency's 5 head objectives are linked now");
    assert.notEqual(after.iks4, before.iks4, "IKS4's capaian now rolls up three links");
    assert.equal(after.matrix, 1);
    // The Bupati reads but proposes nothing.
    assert.equal(await page.getByRole("button", { name: "Usulkan tautan" }).count(), 0);
    await screenshot(page, "pemda-bupati");
    await logout(page);

    // 6. The audit log shows the four steps of the link.
    await login(page, "admin");
    await page.goto(`/audit?entity=cascade_link`);
    const steps = page.locator("details.card", { hasText: "tautan cascading pemda" });
    const texts = await steps.locator("summary").allTextContents();
    const ofLink = texts.filter((t) => new RegExp(`#${linkId}\\b`).test(t));
    assert.equal(ofLink.length, 4, `four steps in the audit log: ${texts.join(" | ")}`);
    assert.equal(ofLink.filter((t) => t.includes("tambah")).length, 1, "one proposal, then three updates");
    assert.deepEqual(page.errors, []);
  }));

test("a perencana cannot answer a link of another organisation", () =>
  env.run("link-other-org", async (page) => {
    await login(page, "bappeda");
    const pemda = new URL(page.url()).pathname.split("/")[2];
    const other = page.locator('#daftar-tautan li[data-status="diusulkan"]', { hasText: "Dinas Kesehatan" }).first();
    const id = await other.getAttribute("data-link-id");
    await logout(page);
    await login(page, "perencana");
    const status = await submitForm(page, `/pemda/${pemda}/tautan/${id}/terima`, { sasaran_opd: "kepala-dinas SS4" });
    assert.equal(status, 403);
    assert.match(await forbiddenReason(page), /tautan organisasi lain/);
    // The pemda page itself is Bappeda's, not the agency's.
    await page.goto(`/pemda/${pemda}`);
    assert.match(await forbiddenReason(page), /Bappeda, Kepala Daerah dan Inspektorat/);
  }));
