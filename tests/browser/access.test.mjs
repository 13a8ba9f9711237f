// Who may do what, as the browser sees it: an operator reads another Seksi but cannot edit it,
// the audit log is for inspektorat (and perencana), not for pimpinan, user management is for
// admin only, and every refusal is Pokin's 403 page saying why, in Indonesian.
import assert from "node:assert/strict";
import { test } from "node:test";
import { forbiddenReason, login, logout, orgId, setup, submitForm } from "./harness.mjs";

const env = setup();

const OPERATOR = "kasi.industri-agro";
const OTHER_SEKSI = "seksi-industri-non-agro";

/** Buttons and links that change data, other than the menu's own (Keluar, Ganti sandi). */
function editControls(page) {
  return page
    .locator("main")
    .locator(
      'form[method="post" i], a[href*="/ubah"], a[href*="/baru"], a[href*="/hapus"], ' +
        "button:text-matches('^(Tambah|Ubah|Hapus|Simpan|Impor)', 'i'), a:text-matches('^(Tambah|Ubah|Hapus|Impor)', 'i')",
    );
}

test("operator: reads another Seksi's unit page, without any edit control", () =>
  env.run("operator-reads", async (page) => {
    await login(page, OPERATOR);
    const org = await orgId(page);
    const res = await page.goto(`/organisasi/${org}/unit/${OTHER_SEKSI}`);
    assert.equal(res.status(), 200);
    await page.getByRole("heading", { level: 1, name: /Seksi Industri Non Agro/i }).waitFor();
    assert.ok((await page.locator("section.objective").count()) > 0);
    assert.equal(await editControls(page).count(), 0, "no edit buttons or forms for an operator");
    // Its own Seksi is read-only too (operators enter realisations, a later milestone).
    await page.goto(`/organisasi/${org}/unit/seksi-industri-agro`);
    assert.equal(await editControls(page).count(), 0);
    // No audit log or user management in the menu.
    const nav = page.getByRole("navigation", { name: "Menu utama" });
    assert.equal(await nav.getByRole("link", { name: "Log audit" }).count(), 0);
    assert.equal(await nav.getByRole("link", { name: "Pengguna" }).count(), 0);
    assert.deepEqual(page.errors, []);
  }));

test("operator: visiting an admin page or posting a hand-made form gives the 403 page with its reason", () =>
  env.run("operator-refused", async (page) => {
    await login(page, OPERATOR);
    let res = await page.goto("/pengguna/baru");
    assert.equal(res.status(), 403);
    assert.match(await forbiddenReason(page), /Hanya Administrator yang dapat mengelola akun pengguna/);
    res = await page.goto("/audit");
    assert.equal(res.status(), 403);
    assert.match(await forbiddenReason(page), /Log audit hanya dapat dibaca oleh .*Anda masuk sebagai Operator/i);
    // A crafted POST with a valid CSRF token is refused by the permission check, and nothing
    // changes (the list of accounts is unchanged, seen as admin below).
    await page.goto("/organisasi");
    let status = await submitForm(page, "/pengguna", {
      username: "penyusup",
      role: "admin",
      display_name: "Penyusup",
    });
    assert.equal(status, 403);
    assert.match(await forbiddenReason(page), /Hanya Administrator/);
    // Without the CSRF token the request is refused before any handler.
    await page.goto("/organisasi");
    status = await submitForm(page, "/pengguna", { username: "penyusup", role: "admin" }, { csrf: false });
    assert.equal(status, 403);
    assert.match(await forbiddenReason(page), /token keamanan \(CSRF\) tidak disertakan/);
    // The 403 page leads home.
    await page.getByRole("link", { name: "Ke halaman utama" }).click();
    await page.waitForURL(/\/organisasi\/\d+$/);
    await logout(page);
    await login(page, "admin");
    await page.goto("/pengguna");
    assert.equal(await page.getByRole("link", { name: "penyusup" }).count(), 0, "no account was created");
  }));

test("inspektorat reads the audit log; pimpinan (kadis) gets 403", () =>
  env.run("audit-roles", async (page) => {
    await login(page, "inspektorat");
    await page.getByRole("navigation", { name: "Menu utama" }).getByRole("link", { name: "Log audit" }).click();
    await page.getByRole("heading", { level: 1, name: "Log audit" }).waitFor();
    assert.ok((await page.locator("details.card").count()) > 0);
    await logout(page);

    await login(page, "kadis");
    assert.equal(
      await page.getByRole("navigation", { name: "Menu utama" }).getByRole("link", { name: "Log audit" }).count(),
      0,
      "no audit link for pimpinan",
    );
    const res = await page.goto("/audit");
    assert.equal(res.status(), 403);
    assert.match(await forbiddenReason(page), /Anda masuk sebagai Pimpinan/i);
    assert.deepEqual(page.errors, []);
  }));

test("admin manages users: the list shows every demo account", () =>
  env.run("admin-users", async (page) => {
    await login(page, "admin");
    await page.getByRole("navigation", { name: "Menu utama" }).getByRole("link", { name: "Pengguna" }).click();
    await page.getByRole("heading", { level: 1, name: "Pengguna" }).waitFor();
    for (const u of ["perencana", "kadis", "inspektorat", OPERATOR, "kabid.perindustrian", "op.perindustrian"]) {
      assert.equal(await page.getByRole("link", { name: u, exact: true }).count(), 1, u);
    }
    await page.getByRole("link", { name: "Tambah pengguna" }).click();
    await page.waitForURL(/\/pengguna\/baru$/);
    assert.deepEqual(page.errors, []);
  }));

test("logout ends the session: pages lead back to the login form", () =>
  env.run("logout", async (page) => {
    await login(page, "perencana");
    const here = page.url();
    await logout(page);
    await page.getByRole("heading", { name: "Masuk ke Pokin" }).waitFor();
    await page.goto(here);
    assert.match(page.url(), /\/masuk/, "a page after logout asks to log in again");
    await page.goBack();
    await page.reload();
    assert.match(page.url(), /\/masuk/);
  }));

test("operator: the edit forms of another Seksi are refused (403 with the reason), and nothing changes", () =>
  env.run("operator-edit-refused", async (page) => {
    // A planner sees the edit controls on the same page (so their absence below means something).
    await login(page, "perencana");
    const org = await orgId(page);
    await page.goto(`/organisasi/${org}/unit/${OTHER_SEKSI}`);
    assert.ok((await editControls(page).count()) > 0, "a planner has edit controls");
    const before = await page.locator("section.objective").count();
    await logout(page);

    await login(page, OPERATOR);
    const form = `/organisasi/${org}/unit/${OTHER_SEKSI}/sasaran/baru`;
    let res = await page.goto(form);
    assert.equal(res.status(), 403);
    assert.match(await forbiddenReason(page), /Peran Operator tidak dapat mengubah pohon kinerja/i);
    res = await page.goto(`/organisasi/${org}/unit/${OTHER_SEKSI}/ubah`);
    assert.equal(res.status(), 403);
    // A crafted POST with a valid CSRF token is refused too.
    await page.goto(`/organisasi/${org}/unit/${OTHER_SEKSI}`);
    const status = await submitForm(page, form, { code: "SS9", statement: "Sasaran yang tidak boleh masuk" });
    assert.equal(status, 403);
    assert.match(await forbiddenReason(page), /tidak dapat mengubah pohon kinerja/);
    await page.goto(`/organisasi/${org}/unit/${OTHER_SEKSI}`);
    assert.equal(await page.locator("section.objective").count(), before, "no objective was added");
    assert.equal(await page.getByText("Sasaran yang tidak boleh masuk").count(), 0);
  }));
