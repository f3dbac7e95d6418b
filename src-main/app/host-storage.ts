/**
 * The project store and CSV service the app uses on disk (src-main/storage).
 */
import type { CsvService } from './csv-service';
import type { ProjectStore } from '../services/project-service';

/** Storage for a host whose app data lives in `appDataDir`. */
export function createHostStorage(appDataDir: string): { store: ProjectStore | null; csv: CsvService | null } {
  void appDataDir;
  return { store: null, csv: null };
}
