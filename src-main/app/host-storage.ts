/**
 * The project store and CSV service the app uses on disk (src-main/storage): .mlplab files and
 * papaparse imports.
 */
import { createAppStorage } from '../storage/app-storage';
import type { CsvService } from './csv-service';
import type { ProjectStore } from '../services/project-service';

/** Storage for a host whose app data lives in `appDataDir`. */
export function createHostStorage(appDataDir: string): { store: ProjectStore; csv: CsvService } {
  return createAppStorage(appDataDir);
}
