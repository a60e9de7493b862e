source "hello-file" "greeting" {
  greeting = "Hello from TypeScript"
  output   = "greeting.txt"
}

build {
  sources = ["source.hello-file.greeting"]

  provisioner "shell-local" {
    inline = ["echo generated data says: ${build.Greeting}"]
  }
}
