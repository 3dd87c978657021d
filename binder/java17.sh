# Sourced by binder/postBuild and binder/start: pins Java 17 (JAVA_HOME and PATH). repo2docker's base
# image may bring Java 21 with Debian/Ubuntu's maven package, and the kernel's forced stop of a runaway
# cell (Thread.stop) works only up to Java 19; binder/apt.txt installs openjdk-17-jdk-headless.
for _jdk in /usr/lib/jvm/java-17-openjdk-* /usr/lib/jvm/temurin-17-*; do
  if [ -x "$_jdk/bin/java" ] && [ -x "$_jdk/bin/javac" ]; then
    export JAVA_HOME="$_jdk"
    export PATH="$JAVA_HOME/bin:$PATH"
    break
  fi
done
unset _jdk
