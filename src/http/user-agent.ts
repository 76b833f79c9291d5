import type { DeviceFamily } from '../domain/session.ts';

/**
 * The browser and system families a User-Agent names, for the account page's list of sessions and
 * the new-sign-in email. A dozen patterns cover the browsers clients use; anything else reads as
 * unknown rather than echoing a header a sender controls. Order matters: Edge, Opera and Samsung
 * Internet also say "Chrome", and Chrome also says "Safari".
 */
const browsers: readonly (readonly [RegExp, string])[] = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\bChrome\/|\bCriOS\/|\bChromium\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
];

const systems: readonly (readonly [RegExp, string])[] = [
  [/\biPad\b/, 'iPadOS'],
  [/\biPhone\b|\biPod\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

export function parseDeviceFamily(userAgent: string | undefined): DeviceFamily {
  const header = (userAgent ?? '').slice(0, 512);
  const find = (table: readonly (readonly [RegExp, string])[], unknown: string) =>
    table.find(([pattern]) => pattern.test(header))?.[1] ?? unknown;
  return { browser: find(browsers, 'Unknown browser'), os: find(systems, 'Unknown system') };
}
