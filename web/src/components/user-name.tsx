/**
 * A user's name as text set apart from what surrounds it: a name with right-to-left or bidi-override
 * characters (U+202E, ...) cannot reorder the text after it. React escapes the text itself.
 */
export function UserName({ name }: { name: string }) {
  return <bdi className="[unicode-bidi:isolate]">{name}</bdi>;
}
