/**
 * Debian's chromium driven by playwright-core (never Playwright's own
 * browser download), started so that WebRTC stays on loopback:
 * - `--allow-loopback-in-peer-connection`: without it Chromium gathers no
 *   loopback candidate (here: none at all);
 * - `WebRtcHideLocalIpsWithMdns` disabled: else host candidates are hidden
 *   behind `.local` names. Chromium honours only the last
 *   `--disable-features`, so it is added to playwright-core's own list
 *   (read from `chrome://version` of a first launch, as it is built
 *   inside playwright-core) and that default flag is left out;
 * - `--host-resolver-rules`: no look-up of any outside host at start-up;
 * - a fake microphone and no permission prompt.
 * As root, Chromium's sandbox cannot start: `--no-sandbox`.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

/** Debian's chromium. */
export const CHROMIUM = '/usr/bin/chromium';

/** The feature this launch adds to playwright-core's disabled list. */
export const HIDE_LOCAL_IPS_WITH_MDNS = 'WebRtcHideLocalIpsWithMdns';

/** A browser and the command line it was started with. */
export interface LaunchedChromium {
  readonly browser: Browser;
  /** From `chrome://version`. */
  readonly commandLine: string;
}

function baseArgs(): string[] {
  const args = ['--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  return args;
}

async function commandLineOf(browser: Browser): Promise<string> {
  const page = await browser.newPage();
  await page.goto('chrome://version');
  const text = (await page.locator('#command_line').textContent()) ?? '';
  await page.close();
  return text;
}

/** Launches Debian's chromium for the web phone; throws (never skips) when it is not installed. */
export async function launchChromium(): Promise<LaunchedChromium> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (bash .ci/setup.d/60-chromium.sh)`);
  const common: LaunchOptions = { executablePath: CHROMIUM, timeout: 60_000 };
  const probe = await chromium.launch({ ...common, args: baseArgs() });
  const defaults = await commandLineOf(probe).finally(() => probe.close());
  const ownFlag = /(?:^|\s)(--disable-features=\S+)/.exec(defaults)?.[1];
  if (ownFlag === undefined) throw new Error(`playwright-core passed no --disable-features: ${defaults}`);
  const browser = await chromium.launch({
    ...common,
    ignoreDefaultArgs: [ownFlag],
    args: [
      ...baseArgs(),
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--allow-loopback-in-peer-connection',
      `${ownFlag},${HIDE_LOCAL_IPS_WITH_MDNS}`,
    ],
  });
  return { browser, commandLine: await commandLineOf(browser) };
}
