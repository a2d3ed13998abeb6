/**
 * Text that came from the cloud or the engine (error messages, progress) printed on one line: newlines become
 * spaces and other control characters are dropped, so a message cannot forge log lines or move the cursor.
 */
export function oneLine(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}
