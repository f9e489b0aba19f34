/**
 * Python's `strftime` for the directives chat templates use
 * (`strftime_now("%d %b %Y")` in Llama 3.2's), in the C locale and in UTC,
 * so a rendered template does not depend on the machine's locale.
 *
 * @see https://docs.python.org/3/library/datetime.html#strftime-and-strptime-format-codes
 */

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

const pad = (value: number) => String(value).padStart(2, "0");

/**
 * Format `date` (UTC) as Python's `date.strftime(format)` does in the C
 * locale, for `%d %m %y %Y %b %B %a %A %H %M %S %%`; other directives are
 * left as written.
 *
 * @example
 * ```ts
 * strftime(new Date(Date.UTC(2024, 6, 26)), "%d %b %Y"); // "26 Jul 2024"
 * ```
 */
export function strftime(date: Date, format: string): string {
  return format.replace(/%[dmyYbBaAHMS%]/g, (directive) => {
    switch (directive) {
      case "%d":
        return pad(date.getUTCDate());
      case "%m":
        return pad(date.getUTCMonth() + 1);
      case "%y":
        return pad(date.getUTCFullYear() % 100);
      case "%Y":
        return String(date.getUTCFullYear());
      case "%b":
        return MONTHS[date.getUTCMonth()]!.slice(0, 3);
      case "%B":
        return MONTHS[date.getUTCMonth()]!;
      case "%a":
        return WEEKDAYS[date.getUTCDay()]!.slice(0, 3);
      case "%A":
        return WEEKDAYS[date.getUTCDay()]!;
      case "%H":
        return pad(date.getUTCHours());
      case "%M":
        return pad(date.getUTCMinutes());
      case "%S":
        return pad(date.getUTCSeconds());
      default:
        return "%";
    }
  });
}
