/** Whether the key is present in the spec and not ignored: absent keys are never diffed (tri-state, DESIGN.md §2). */
export function manages(spec: Record<string, unknown>, field: string, ignored: readonly string[]): boolean {
  return Object.prototype.hasOwnProperty.call(spec, field) && !ignored.includes(field);
}
