/*
 * Draws the app icons in public/icons (the Logo's green tile with lucide's video glyph) with the same
 * Chromium the tests use, so the colours are the app's own oklch values. Run after changing the look:
 *   pnpm --filter @ringback/web exec tsx src/pwa/render-icons.ts
 * Not imported by the app.
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "@playwright/test";
import { chromiumArgs, chromiumPath } from "../../e2e/chromium";

const out = fileURLToPath(new URL("../../public/icons/", import.meta.url));

const glyph = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="white" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="m16 13 5.223 3.482a.5.5 0 0 0 .777-.416V7.87a.5.5 0 0 0-.752-.432L16 10.5"/><rect x="2" y="6" width="14" height="12" rx="2"/></svg>`;

type Icon = { file: string; size: number; radius: number; glyph: number };
const icons: Icon[] = [
  // "any": a rounded tile like the Logo, transparent corners
  { file: "icon-192.png", size: 192, radius: 0.22, glyph: 0.56 },
  { file: "icon-512.png", size: 512, radius: 0.22, glyph: 0.56 },
  // maskable: full bleed, glyph inside the 80 % safe zone; Apple rounds its own corners
  { file: "maskable-512.png", size: 512, radius: 0, glyph: 0.46 },
  { file: "apple-touch-icon.png", size: 180, radius: 0, glyph: 0.52 },
];

mkdirSync(out, { recursive: true });
const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
try {
  for (const icon of icons) {
    const page = await browser.newPage({ viewport: { width: icon.size, height: icon.size } });
    await page.setContent(`<html><body style="margin:0;background:transparent">
      <div style="width:${icon.size}px;height:${icon.size}px;border-radius:${icon.radius * icon.size}px;display:flex;align-items:center;justify-content:center;
        background:linear-gradient(to bottom, oklch(0.72 0.17 150), oklch(0.58 0.16 150))">
        <div style="width:${icon.glyph * icon.size}px;height:${icon.glyph * icon.size}px">${glyph.replace("<svg ", '<svg width="100%" height="100%" ')}</div>
      </div></body></html>`);
    await page.screenshot({ path: `${out}${icon.file}`, omitBackground: true });
    await page.close();
  }
} finally {
  await browser.close();
}
