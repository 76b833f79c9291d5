const formats = new Map<string, { date: Intl.DateTimeFormat; zone: Intl.DateTimeFormat }>();

/**
 * A moment as staff read it, in the business's own time zone ("Tue 3 Mar 2026, 14:00 GMT"):
 * expiry dates and last logins are the business's, whoever reads the card and wherever they are.
 */
export function readableTime(iso: string, timeZone: string): string {
  let format = formats.get(timeZone);
  if (!format) {
    format = {
      date: new Intl.DateTimeFormat('en-GB', {
        timeZone,
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      }),
      // The zone as people in it name it (EST, PDT); British English would say GMT-5.
      zone: new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' }),
    };
    formats.set(timeZone, format);
  }
  const moment = new Date(iso);
  const zone = format.zone.formatToParts(moment).find((part) => part.type === 'timeZoneName')?.value ?? timeZone;
  return `${format.date.format(moment)} ${zone}`;
}
