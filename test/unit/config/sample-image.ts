/** The smallest valid image document; tests derive variants with replace(). */
export const IMAGE = `kind: image
name: web
spec:
  file: cos://us-south/imageform-examples/ubuntu-24.04.qcow2
  operating_system: ubuntu-24-04-amd64
`;
