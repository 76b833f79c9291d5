import { fileURLToPath } from 'node:url';

/**
 * The package's own folder, found from this file rather than the current folder, so `latchkey` works
 * from anywhere. This file sits one level below the root both as source (src/) and as built code (dist/).
 */
const packageRoot = new URL('../', import.meta.url);

/** The absolute path of a file shipped with the package, such as `templates/email`. */
export function packageFile(relativePath: string): string {
  return fileURLToPath(new URL(relativePath, packageRoot));
}
