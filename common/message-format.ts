// The one way a message with values becomes text, for the window's catalogs, the OS texts and
// the batch notices alike: ICU MessageFormat (intl-messageformat), so a count chooses its word
// by the language's plural rules (`{count, plural, one {# video} other {# videos}}`; Chinese
// needs no forms) instead of each place rolling its own. A value the message names but the
// caller did not give stays visible as `{name}`, so a missing value is noticed, not hidden.
import IntlMessageFormat from 'intl-messageformat';

export type MessageValues = Record<string, string | number>;

/** The part of intl-messageformat's syntax tree read here: arguments and their branches. */
interface MessageElement {
  /** 0 is literal text; the others name an argument in `value`. */
  type: number;
  value?: unknown;
  options?: Record<string, { value: MessageElement[] }>;
}

const compiled = new Map<string, { format: IntlMessageFormat; names: string[] }>();

/** Every argument a message names, branches included (`{count, plural, ...}` names count). */
function argumentNames(elements: readonly MessageElement[], into = new Set<string>()): Set<string> {
  for (const element of elements) {
    if (element.options) {
      if (typeof element.value === 'string') into.add(element.value);
      for (const option of Object.values(element.options)) argumentNames(option.value, into);
    } else if (typeof element.value === 'string' && element.type !== 0) {
      into.add(element.value);
    }
  }
  return into;
}

function compile(message: string, language: string) {
  const key = `${language}\u0000${message}`;
  let entry = compiled.get(key);
  if (!entry) {
    // Tags stay text: messages are plain sentences, and '<' in one is never markup.
    const format = new IntlMessageFormat(message, language, undefined, { ignoreTag: true });
    entry = { format, names: [...argumentNames(format.getAst() as MessageElement[])] };
    compiled.set(key, entry);
  }
  return entry;
}

/** A message in a language with its values filled in (see the header for the syntax). */
export function formatMessage(message: string, language: string, values: MessageValues = {}): string {
  const { format, names } = compile(message, language);
  const filled: MessageValues = { ...values };
  for (const name of names) if (!(name in filled)) filled[name] = `{${name}}`;
  return String(format.format(filled));
}

/** Throws with the parser's account when a message is not valid ICU syntax (catalog tests). */
export function checkMessage(message: string, language: string): void {
  compile(message, language);
}
