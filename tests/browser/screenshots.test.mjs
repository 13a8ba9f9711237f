// Screenshots of the main pages, on a laptop (1366×900) and a phone (390×844), saved as test
// artifacts in test-artifacts/screenshots/. Each page must load without script or resource
// errors, and on the phone must not scroll sideways (wide tables scroll inside their box).
import assert from "node:assert/strict";
import { test } from "node:test";
import { login, logout, orgId, screenshot, setup } from "./harness.mjs";

const env = setup();

/** Pages to capture: [file name, path or function(org) → path, who is logged in]. */
const PAGES = [
  ["01-masuk", "/masuk", null],
  ["02-organisasi", (org) => `/organisasi/${org}`, "perencana"],
  ["03-pohon", (org) => `/organisasi/${org}/pohon`, "perencana"],
  ["04-unit-bidang", (org) => `/organisasi/${org}/unit/bidang-perindustrian`, "perencana"],
  ["05-unit-seksi", (org) => `/organisasi/${org}/unit/seksi-industri-agro`, "perencana"],
  ["06-audit", "/audit", "perencana"],
  ["07-ganti-sandi", "/akun/sandi", "perencana"],
  ["08-daftar-organisasi", "/organisasi", "admin"],
  ["09-pengguna", "/pengguna", "admin"],
  ["10-pengguna-baru", "/pengguna/baru", "admin"],
  ["11-ditolak-403", "/audit", "kadis"],
  ["12-api-docs", "/api/docs", null],
  ["13-sasaran-baru", (org) => `/organisasi/${org}/unit/seksi-industri-agro/sasaran/baru`, "admin"],
  ["14-impor", "/impor", "admin"],
  ["15-dasbor", (org) => `/organisasi/${org}/dasbor?tahun=2026&triwulan=3`, "kadis"],
  ["16-pohon-capaian", (org) => `/organisasi/${org}/pohon?warna=capaian&tahun=2026&triwulan=3`, "kadis"],
  ["17-indikator", (org) => `/organisasi/${org}/indikator/bidang-tenaga-kerja/IK1.1`, "op.tenaga-kerja"],
  ["18-realisasi", (org) => `/organisasi/${org}/indikator/bidang-tenaga-kerja/IK1.1/realisasi/2026-tw3`, "op.tenaga-kerja"],
  ["19-ringkasan-realisasi", (org) => `/organisasi/${org}/realisasi?tahun=2026`, "perencana"],
  ["20-periode", (org) => `/organisasi/${org}/periode`, "perencana"],
  ["21-tugas-saya", "/tugas", "kabid.tenaga-kerja"],
  ["22-lembar-kerja", (org) => `/organisasi/${org}/lembar-kerja/unggah`, "perencana"],
  ["23-pengaturan-capaian", (org) => `/organisasi/${org}/pengaturan-capaian`, "perencana"],
  ["30-dokumen", (org) => `/organisasi/${org}/dokumen?tahun=2026`, "perencana"],
  ["31-pk-bidang", (org) => `/organisasi/${org}/unit/bidang-penanaman-modal/pk/2026`, "perencana"],
];

for (const [device, phone] of [
  ["desktop", false],
  ["phone", true],
]) {
  test(`screenshots: main pages on ${device}`, () =>
    env.run(`screens-${device}`, async (page) => {
      let who = null;
      let org = null;
      const saved = [];
      for (const [name, where, user] of PAGES) {
        if (user !== who) {
          if (who) await logout(page);
          if (user) {
            await login(page, user);
            // admin has no organisation of its own: it keeps the one seen before.
            org = await orgId(page).catch(() => org);
          }
          who = user;
        }
        const target = typeof where === "function" ? where(org) : where;
        const res = await page.goto(target);
        assert.equal(res.status(), name.includes("403") ? 403 : 200, `${target} as ${user}`);
        if (name === "12-api-docs") await page.locator(".swagger-ui .opblock").first().waitFor();
        if (phone) {
          const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
          assert.ok(scroll <= width, `${target} scrolls sideways on a phone (${scroll}px > ${width}px)`);
        }
        await screenshot(page, `${device}-${name}`);
        saved.push(name);
      }
      assert.equal(saved.length, PAGES.length);
      assert.deepEqual(page.errors, []);
    }, { phone }));
}
