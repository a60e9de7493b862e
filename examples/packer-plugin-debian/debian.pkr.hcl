# `make demo`: a Debian bookworm minbase root file system, provisioned with Packer's own
# shell provisioner and this plugin's apt provisioner, then described by a manifest.

source "debian-rootfs" "bookworm" {
  suite   = "bookworm"
  variant = "minbase"
}

build {
  sources = ["source.debian-rootfs.bookworm"]

  provisioner "shell" {
    inline = [
      "echo 'built with packer-plugin-sdk' > /etc/packer-plugin-sdk-demo",
      "echo 'Debian ${build.Suite} ${build.Version}, ${build.PackageCount} packages before provisioning'",
    ]
  }

  provisioner "debian-apt" {
    packages = ["ca-certificates", "curl"]
  }

  post-processor "debian-manifest" {
    output = "output-bookworm/manifest.json"
  }
}
