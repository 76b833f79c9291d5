const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * A moment as staff read it, in the business's own time zone ("Tue 3 Mar 2026, 14:00 GMT"):
 * expiry dates and last logins are the business's, whoever reads the card and wherever they are.
 */
export function readableTime(iso: string, timeZone: string): string {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
    });
    formats.set(timeZone, format);
  }
  return format.format(new Date(iso));
}
