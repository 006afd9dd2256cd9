/**
 * Opens a FileStorage on the directory given as the only argument and prints the error message,
 * or `opened`. The unwritable directory test runs it as an unprivileged user, because root
 * ignores directory permissions.
 */
import { FileStorage } from '../../impl/disk/file-storage.ts';

const directory = process.argv[2];
if (directory === undefined) {
  process.stderr.write('usage: open-storage-child.ts DIRECTORY\n');
  process.exit(2);
}

try {
  const storage = await FileStorage.open(directory);
  await storage.close();
  process.stdout.write('opened');
} catch (error) {
  process.stdout.write(error instanceof Error ? error.message : String(error));
}
