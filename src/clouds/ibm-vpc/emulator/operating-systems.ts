/** The fixed catalogue of operating systems the emulated region offers (GET /v1/operating_systems). */
export interface OperatingSystem {
  name: string;
  architecture: 'amd64' | 's390x' | 'ppc64le';
  display_name: string;
  family: string;
  vendor: string;
  version: string;
  dedicated_host_only: boolean;
  allow_user_image_creation: boolean;
  user_data_format: 'cloud_init' | 'esxi_kickstart' | 'ipxe';
}

const os = (
  name: string,
  display_name: string,
  family: string,
  vendor: string,
  version: string,
  extra: Partial<OperatingSystem> = {},
): OperatingSystem => ({
  name,
  architecture: name.endsWith('s390x') ? 's390x' : 'amd64',
  display_name,
  family,
  vendor,
  version,
  dedicated_host_only: false,
  allow_user_image_creation: true,
  user_data_format: 'cloud_init',
  ...extra,
});

/**
 * Sorted by name, as the API lists them. Besides today's systems, the older ones that existing images and IBM's own
 * tests still name (IBM's SDK integration test imports with `debian-9-amd64`, its Terraform tests with
 * `red-7-amd64`); the names and versions are IBM's (`red-*` is IBM's name for RHEL, `rhel-*` this emulator's too).
 * The API's OperatingSystem has no deprecation field, so none is modelled.
 */
export const operatingSystems: readonly OperatingSystem[] = [
  os('centos-7-amd64', 'CentOS 7.x - Minimal Install (amd64)', 'CentOS', 'CentOS', '7.x - Minimal Install'),
  os('centos-8-amd64', 'CentOS 8.x - Minimal Install (amd64)', 'CentOS', 'CentOS', '8.x - Minimal Install'),
  os('centos-stream-8-amd64', 'CentOS Stream 8 - minimal (amd64)', 'CentOS Stream', 'CentOS', '8'),
  os('centos-stream-9-amd64', 'CentOS Stream 9 - minimal (amd64)', 'CentOS Stream', 'CentOS', '9'),
  os(
    'debian-10-amd64',
    'Debian GNU/Linux 10.x Buster/Stable - Minimal Install (amd64)',
    'Debian GNU/Linux',
    'Debian',
    '10.x Buster/Stable - Minimal Install',
  ),
  os(
    'debian-11-amd64',
    'Debian GNU/Linux 11.x Bullseye/Stable - Minimal Install (amd64)',
    'Debian GNU/Linux',
    'Debian',
    '11.x Bullseye/Stable - Minimal Install',
  ),
  os(
    'debian-12-amd64',
    'Debian GNU/Linux 12.x Bookworm/Stable - Minimal Install (amd64)',
    'Debian GNU/Linux',
    'Debian',
    '12.x Bookworm/Stable - Minimal Install',
  ),
  os(
    'debian-9-amd64',
    'Debian GNU/Linux 9.x Stretch/Stable - Minimal Install (amd64)',
    'Debian GNU/Linux',
    'Debian',
    '9.x Stretch/Stable - Minimal Install',
  ),
  os('esxi-8-amd64', 'VMware ESXi 8.x (amd64)', 'VMware ESXi', 'VMware', '8.x', {
    user_data_format: 'esxi_kickstart',
    dedicated_host_only: false,
  }),
  os('fedora-40-amd64', 'Fedora 40 (amd64)', 'Fedora', 'Fedora', '40'),
  os(
    'red-7-amd64',
    'Red Hat Enterprise Linux 7.x - Minimal Install (amd64)',
    'Red Hat Enterprise Linux',
    'Red Hat',
    '7.x - Minimal Install',
  ),
  os(
    'red-8-amd64',
    'Red Hat Enterprise Linux 8.x - Minimal Install (amd64)',
    'Red Hat Enterprise Linux',
    'Red Hat',
    '8.x - Minimal Install',
  ),
  os(
    'red-9-amd64',
    'Red Hat Enterprise Linux 9.x - Minimal Install (amd64)',
    'Red Hat Enterprise Linux',
    'Red Hat',
    '9.x - Minimal Install',
  ),
  os(
    'rhel-8-amd64',
    'Red Hat Enterprise Linux 8.x - Minimal Install (amd64)',
    'Red Hat Enterprise Linux',
    'Red Hat',
    '8.x - Minimal Install',
  ),
  os(
    'rhel-9-amd64',
    'Red Hat Enterprise Linux 9.x - Minimal Install (amd64)',
    'Red Hat Enterprise Linux',
    'Red Hat',
    '9.x - Minimal Install',
  ),
  os(
    'rocky-linux-8-amd64',
    'Rocky Linux 8.x - Minimal Install (amd64)',
    'Rocky Linux',
    'Rocky Enterprise Software Foundation',
    '8.x - Minimal Install',
  ),
  os(
    'rocky-linux-9-amd64',
    'Rocky Linux 9.x - Minimal Install (amd64)',
    'Rocky Linux',
    'Rocky Enterprise Software Foundation',
    '9.x - Minimal Install',
  ),
  os('sles-12-amd64', 'SUSE Linux Enterprise Server 12 SP5 (amd64)', 'SUSE Linux Enterprise Server', 'SUSE', '12 SP5'),
  os('sles-15-amd64', 'SUSE Linux Enterprise Server 15 SP5 (amd64)', 'SUSE Linux Enterprise Server', 'SUSE', '15 SP5'),
  os(
    'ubuntu-16-04-amd64',
    'Ubuntu Linux 16.04 LTS Xenial Xerus Minimal Install (amd64)',
    'Ubuntu Linux',
    'Canonical',
    '16.04 LTS Xenial Xerus Minimal Install',
  ),
  os(
    'ubuntu-18-04-amd64',
    'Ubuntu Linux 18.04 LTS Bionic Beaver Minimal Install (amd64)',
    'Ubuntu Linux',
    'Canonical',
    '18.04 LTS Bionic Beaver Minimal Install',
  ),
  os(
    'ubuntu-18-04-s390x',
    'Ubuntu Linux 18.04 LTS Bionic Beaver Minimal Install (s390x)',
    'Ubuntu Linux',
    'Canonical',
    '18.04 LTS Bionic Beaver Minimal Install',
  ),
  os(
    'ubuntu-20-04-amd64',
    'Ubuntu Linux 20.04 LTS Focal Fossa Minimal Install (amd64)',
    'Ubuntu Linux',
    'Canonical',
    '20.04 LTS Focal Fossa Minimal Install',
  ),
  os(
    'ubuntu-20-04-s390x',
    'Ubuntu Linux 20.04 LTS Focal Fossa Minimal Install (s390x)',
    'Ubuntu Linux',
    'Canonical',
    '20.04 LTS Focal Fossa Minimal Install',
  ),
  os(
    'ubuntu-22-04-amd64',
    'Ubuntu Linux 22.04 LTS Jammy Jellyfish Minimal Install (amd64)',
    'Ubuntu Linux',
    'Canonical',
    '22.04 LTS Jammy Jellyfish Minimal Install',
  ),
  os(
    'ubuntu-22-04-s390x',
    'Ubuntu Linux 22.04 LTS Jammy Jellyfish Minimal Install (s390x)',
    'Ubuntu Linux',
    'Canonical',
    '22.04 LTS Jammy Jellyfish Minimal Install',
  ),
  os(
    'ubuntu-24-04-amd64',
    'Ubuntu Linux 24.04 LTS Noble Numbat Minimal Install (amd64)',
    'Ubuntu Linux',
    'Canonical',
    '24.04 LTS Noble Numbat Minimal Install',
  ),
  os(
    'windows-2012-amd64',
    'Windows Server 2012 Standard Edition (amd64)',
    'Windows Server',
    'Microsoft',
    '2012 Standard Edition',
  ),
  os(
    'windows-2012-r2-amd64',
    'Windows Server 2012 R2 Standard Edition (amd64)',
    'Windows Server',
    'Microsoft',
    '2012 R2 Standard Edition',
  ),
  os(
    'windows-2016-amd64',
    'Windows Server 2016 Standard Edition (amd64)',
    'Windows Server',
    'Microsoft',
    '2016 Standard Edition',
  ),
  os(
    'windows-2019-amd64',
    'Windows Server 2019 Standard Edition (amd64)',
    'Windows Server',
    'Microsoft',
    '2019 Standard Edition',
  ),
  os(
    'windows-2022-amd64',
    'Windows Server 2022 Standard Edition (amd64)',
    'Windows Server',
    'Microsoft',
    '2022 Standard Edition',
  ),
];

const byName = new Map(operatingSystems.map((entry) => [entry.name, entry]));

export function findOperatingSystem(name: string): OperatingSystem | undefined {
  return byName.get(name);
}
