// Debian's Chromium driven by playwright-core, as the tests need it (headless, no network).
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { installOnce } from './installLock';

export const CHROMIUM = '/usr/bin/chromium';

/** Installs Debian's Chromium when missing and possible (root); returns whether it is there. */
export function ensureChromium(): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  if (process.getuid?.() !== 0) return false;
  // One apt-get at a time across the test processes (the package database is locked meanwhile).
  return installOnce(CHROMIUM, 700_000, () => {
    if (fs.existsSync(CHROMIUM)) return true;
    spawnSync(
      'sh',
      [
        '-c',
        'apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1)',
      ],
      { stdio: 'ignore', timeout: 600_000 },
    );
    return fs.existsSync(CHROMIUM);
  });
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
