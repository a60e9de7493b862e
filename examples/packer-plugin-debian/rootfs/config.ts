import { Type, type Static } from 'packer-plugin-sdk';

export const rootfsSchema = Type.Object(
  {
    suite: Type.String({ default: 'bookworm', description: 'Debian suite or codename to bootstrap.' }),
    variant: Type.Union(
      [
        Type.Literal('minbase'),
        Type.Literal('required'),
        Type.Literal('important'),
        Type.Literal('standard'),
        Type.Literal('buildd'),
      ],
      { default: 'minbase', description: 'Package selection, as mmdebstrap/debootstrap name it.' },
    ),
    mirror: Type.Optional(
      Type.String({ description: "Debian archive URL. Default: the archive this machine's apt uses." }),
    ),
    components: Type.Array(Type.String(), { default: ['main'], description: 'Archive components.' }),
    packages: Type.Array(Type.String(), {
      default: [],
      description: 'Extra packages to include at bootstrap.',
    }),
    architecture: Type.Optional(
      Type.String({
        description: "Debian architecture. Default: this machine's (dpkg --print-architecture).",
      }),
    ),
    bootstrapper: Type.Union(
      [Type.Literal('auto'), Type.Literal('mmdebstrap'), Type.Literal('debootstrap')],
      {
        default: 'auto',
        description: 'Tool that creates the root file system; auto prefers mmdebstrap.',
      },
    ),
    output_directory: Type.Optional(
      Type.String({ description: 'Where the artifact goes. Default: output-<build name>.' }),
    ),
    image_name: Type.String({
      default: 'rootfs',
      description: 'Base name of the tarball (<image_name>.tar.gz).',
    }),
  },
  { additionalProperties: false },
);

export type RootfsConfig = Static<typeof rootfsSchema>;
