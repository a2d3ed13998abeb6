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

const os = (name: string, display_name: string, family: string, vendor: string, version: string, extra: Partial<OperatingSystem> = {}): OperatingSystem => ({
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

/** Sorted by name, as the API lists them. */
export const operatingSystems: readonly OperatingSystem[] = [
  os('centos-stream-9-amd64', 'CentOS Stream 9 - minimal (amd64)', 'CentOS Stream', 'CentOS', '9'),
  os('debian-11-amd64', 'Debian GNU/Linux 11.x Bullseye/Stable - Minimal Install (amd64)', 'Debian GNU/Linux', 'Debian', '11.x Bullseye/Stable - Minimal Install'),
  os('debian-12-amd64', 'Debian GNU/Linux 12.x Bookworm/Stable - Minimal Install (amd64)', 'Debian GNU/Linux', 'Debian', '12.x Bookworm/Stable - Minimal Install'),
  os('esxi-8-amd64', 'VMware ESXi 8.x (amd64)', 'VMware ESXi', 'VMware', '8.x', { user_data_format: 'esxi_kickstart', dedicated_host_only: false }),
  os('fedora-40-amd64', 'Fedora 40 (amd64)', 'Fedora', 'Fedora', '40'),
  os('rhel-8-amd64', 'Red Hat Enterprise Linux 8.x - Minimal Install (amd64)', 'Red Hat Enterprise Linux', 'Red Hat', '8.x - Minimal Install'),
  os('rhel-9-amd64', 'Red Hat Enterprise Linux 9.x - Minimal Install (amd64)', 'Red Hat Enterprise Linux', 'Red Hat', '9.x - Minimal Install'),
  os('rocky-linux-9-amd64', 'Rocky Linux 9.x - Minimal Install (amd64)', 'Rocky Linux', 'Rocky Enterprise Software Foundation', '9.x - Minimal Install'),
  os('sles-15-amd64', 'SUSE Linux Enterprise Server 15 SP5 (amd64)', 'SUSE Linux Enterprise Server', 'SUSE', '15 SP5'),
  os('ubuntu-20-04-amd64', 'Ubuntu Linux 20.04 LTS Focal Fossa Minimal Install (amd64)', 'Ubuntu Linux', 'Canonical', '20.04 LTS Focal Fossa Minimal Install'),
  os('ubuntu-22-04-amd64', 'Ubuntu Linux 22.04 LTS Jammy Jellyfish Minimal Install (amd64)', 'Ubuntu Linux', 'Canonical', '22.04 LTS Jammy Jellyfish Minimal Install'),
  os('ubuntu-22-04-s390x', 'Ubuntu Linux 22.04 LTS Jammy Jellyfish Minimal Install (s390x)', 'Ubuntu Linux', 'Canonical', '22.04 LTS Jammy Jellyfish Minimal Install'),
  os('ubuntu-24-04-amd64', 'Ubuntu Linux 24.04 LTS Noble Numbat Minimal Install (amd64)', 'Ubuntu Linux', 'Canonical', '24.04 LTS Noble Numbat Minimal Install'),
  os('windows-2019-amd64', 'Windows Server 2019 Standard Edition (amd64)', 'Windows Server', 'Microsoft', '2019 Standard Edition'),
  os('windows-2022-amd64', 'Windows Server 2022 Standard Edition (amd64)', 'Windows Server', 'Microsoft', '2022 Standard Edition'),
];

const byName = new Map(operatingSystems.map((entry) => [entry.name, entry]));

export function findOperatingSystem(name: string): OperatingSystem | undefined {
  return byName.get(name);
}
