/**
 * Calls `onChange` once a burst of saves to `file` has settled. Watches the folder, not the
 * file: many editors save by writing a new file and renaming it over the old one, which ends
 * a watch on the old file's inode.
 */
import { watch } from 'node:fs';
import { basename, dirname } from 'node:path';

export function watchFile(file: string, onChange: () => void, debounceMs = 100): { close(): void } {
  const name = basename(file);
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(dirname(file), (_event, changed) => {
    // Some platforms do not say which file changed: check then too.
    if (changed !== null && changed.toString() !== name) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  });
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
