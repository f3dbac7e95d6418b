// electron-builder's afterPack hook (package.json "build.afterPack"): flips Electron's fuses in
// the packaged app before it is signed and put into an installer. Fuses are bits in the Electron
// binary that switch features off for good, whatever the command line or environment says:
//
//   RunAsNode                              off: ELECTRON_RUN_AS_NODE cannot turn the app into a Node.js
//   EnableNodeOptionsEnvironmentVariable   off: NODE_OPTIONS cannot inject code or flags
//   EnableNodeCliInspectArguments          off: --inspect and friends cannot attach a debugger
//   EnableEmbeddedAsarIntegrityValidation  on:  app.asar is checked against the hash electron-builder
//                                               embeds (macOS and Windows)
//   OnlyLoadAppFromAsar                    on:  the app's code loads only from app.asar, never from
//                                               a loose app/ folder placed beside it
//
// The flips are read back, and the build fails if any fuse is not as asked. On Apple silicon the
// binary's ad-hoc signature is redone (a changed binary with a stale signature does not start).
import { join } from 'node:path';
import fuses from '@electron/fuses';

const { FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire } = fuses;

/** How the wire stores a fuse: the byte '1' (on) or '0' (off). */
const ON = 0x31;
const OFF = 0x30;

/** The fuses MLP Lab flips: option -> true (on) / false (off). The others keep Electron's defaults. */
export const FUSES = {
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
};

/** electron-builder's Arch.arm64. */
const ARM64 = 3;

/**
 * The Electron binary electron-builder packed: "<productFilename>.app" on macOS (the fuses live
 * in its Electron Framework, which @electron/fuses finds), "<productFilename>.exe" on Windows,
 * the executable name on Linux.
 */
export function electronBinary(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return join(appOutDir, `${packager.appInfo.productFilename}.app`);
  if (electronPlatformName === 'win32') return join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  return join(appOutDir, packager.executableName);
}

/** The fuses of `binary` that are not as FUSES asks, as "Name is on/off" lines (empty when all are). */
export async function fuseProblems(binary) {
  const wire = await getCurrentFuseWire(binary);
  const problems = [];
  for (const [option, on] of Object.entries(FUSES)) {
    const state = wire[option];
    if (state !== (on ? ON : OFF)) problems.push(`${FuseV1Options[option]} is ${state === ON ? 'on' : state === OFF ? 'off' : `missing (${state})`}, should be ${on ? 'on' : 'off'}`);
  }
  return problems;
}

/** The hook: flips the fuses of the packed app, then checks them. */
export default async function afterPack(context) {
  const binary = electronBinary(context);
  const appleSilicon = (context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas') && context.arch === ARM64;
  await flipFuses(binary, { version: FuseVersion.V1, resetAdHocDarwinSignature: appleSilicon, ...FUSES });
  const problems = await fuseProblems(binary);
  if (problems.length) throw new Error(`after flipping the fuses of ${binary}: ${problems.join('; ')}`);
}
