/** The server's messages about one field, under it (the field points here with `aria-describedby`). */
export function FieldErrors({ id, errors }: { id?: string; errors?: readonly string[] }) {
  if (!errors || errors.length === 0) return null;
  return (
    <ul id={id} className="flex flex-col gap-0.5 text-xs text-destructive" data-field-errors>
      {errors.map((error, index) => (
        <li key={index}>{error}</li>
      ))}
    </ul>
  );
}
