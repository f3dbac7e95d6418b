/**
 * The window asks for nothing outside itself: no camera, microphone, notifications, location,
 * clipboard reads, MIDI, and no USB, HID, serial or Bluetooth devices. Electron grants many of
 * these by default (a permission check answers yes unless a handler says otherwise, and a device
 * chooser is the app's to show), so each path has a handler that says no:
 *
 * - permission requests (`navigator.mediaDevices.getUserMedia`, `Notification.requestPermission`,
 *   ...) are refused, and permission checks (`navigator.permissions.query`, the checks Chromium
 *   makes before using a feature) answer false;
 * - device permission checks (a device granted earlier) answer false;
 * - the device choosers of `navigator.hid`, `navigator.usb`, `navigator.serial` (on the session)
 *   and `navigator.bluetooth` (on each web contents) are cancelled with no device.
 */
import type { Session, WebContents } from 'electron';

/** The session's permission and device hooks that `denyPermissionsAndDevices` sets. */
export type PermissionSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler' | 'on'>;

/** Refuses every permission request and check, every device permission and device chooser of `session`. */
export function denyPermissionsAndDevices(session: PermissionSession): void {
  session.setPermissionRequestHandler((_contents, _permission, grant) => grant(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  // A chooser handled here is not shown; answering with no device cancels the page's request.
  session.on('select-hid-device', (event, _details, choose) => {
    event.preventDefault();
    choose();
  });
  session.on('select-usb-device', (event, _details, choose) => {
    event.preventDefault();
    choose();
  });
  session.on('select-serial-port', (event, _ports, _contents, choose) => {
    event.preventDefault();
    choose('');
  });
}

/** Cancels Web Bluetooth's device chooser in `contents` (it is an event of each web contents). */
export function denyBluetooth(contents: Pick<WebContents, 'on'>): void {
  contents.on('select-bluetooth-device', (event, _devices, choose) => {
    event.preventDefault();
    choose('');
  });
}
