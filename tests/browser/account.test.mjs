// The login form by keyboard alone, a wrong password, the change-password form, and the API
// documentation page.
import assert from "node:assert/strict";
import { test } from "node:test";
import { PASSWORD, login, logout, setup } from "./harness.mjs";

const env = setup();

test("keyboard: the login form works with Tab and Enter alone", () =>
  env.run("keyboard-login", async (page) => {
    await page.goto("/masuk");
    // The user name field has focus on arrival (autofocus).
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("name")), "username");
    await page.keyboard.type("perencana");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("name")), "password");
    await page.keyboard.type(PASSWORD);
    await Promise.all([page.waitForURL(/\/organisasi\/\d+$/), page.keyboard.press("Enter")]);
    // The first Tab on a page reaches the skip link, which jumps to the content.
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.textContent.trim()), "Lompat ke isi");
    await page.keyboard.press("Enter");
    assert.match(page.url(), /#isi$/);
    assert.deepEqual(page.errors, []);
  }));

test("login: a wrong password is refused with a message and the user name kept", () =>
  env.run("wrong-password", async (page) => {
    await page.goto("/masuk");
    await page.getByLabel("Nama pengguna").fill("kadis");
    await page.getByLabel("Sandi").fill("salah-sandi");
    await page.getByRole("button", { name: "Masuk" }).click();
    await page.getByRole("alert").filter({ hasText: "Nama pengguna atau sandi salah" }).waitFor();
    assert.equal(await page.getByLabel("Nama pengguna").inputValue(), "kadis");
    assert.match(page.url(), /\/masuk/);
  }));

test("change password: field errors in Indonesian, then the new password logs in", () =>
  env.run("change-password", async (page) => {
    const user = "kabid.tenaga-kerja";
    const fresh = "sandi-baru-yang-panjang-1";
    await login(page, user);
    await page.getByRole("link", { name: "Ganti sandi" }).click();
    await page.getByRole("heading", { level: 1, name: "Ganti sandi" }).waitFor();
    // Wrong old password and a mismatching confirmation: errors next to the fields.
    await page.getByLabel("Sandi lama").fill("bukan-sandinya");
    await page.getByLabel(/^Sandi baru/).fill(fresh);
    await page.getByLabel("Ulangi sandi baru").fill(fresh + "x");
    await page.getByRole("button", { name: "Simpan sandi baru" }).click();
    await page.locator(".field-error", { hasText: "Sandi lama salah." }).waitFor();
    await page.locator(".field-error", { hasText: "Ulangan sandi tidak sama dengan sandi baru." }).waitFor();
    // Now correctly.
    await page.getByLabel("Sandi lama").fill(PASSWORD);
    await page.getByLabel(/^Sandi baru/).fill(fresh);
    await page.getByLabel("Ulangi sandi baru").fill(fresh);
    await Promise.all([
      page.waitForURL((u) => u.pathname !== "/akun/sandi"),
      page.getByRole("button", { name: "Simpan sandi baru" }).click(),
    ]);
    await logout(page);
    await login(page, user, fresh);
    assert.match(page.url(), /\/organisasi\/\d+$/);
    assert.deepEqual(page.errors, []);
  }));

test("API docs: Swagger UI (vendored) lists the API's operations", () =>
  env.run("api-docs", async (page) => {
    const res = await page.goto("/api/docs");
    assert.equal(res.status(), 200);
    await page.locator(".swagger-ui .opblock").first().waitFor();
    const paths = await page.locator(".opblock-summary-path").allTextContents();
    for (const p of ["/api/v1/organisations", "/api/v1/organisations/{id}/tree", "/api/v1/audit"]) {
      assert.ok(paths.some((x) => x.replace(/\u200b/g, "") === p), `${p} in ${paths.join(", ")}`);
    }
    const spec = await page.request.get("/api/openapi.json");
    assert.equal(spec.status(), 200);
    assert.ok((await spec.json()).openapi);
    assert.deepEqual(page.errors, []);
  }));
