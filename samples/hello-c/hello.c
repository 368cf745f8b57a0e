#include <stdio.h>

int main(int argc, char **argv) {
  printf("hello from %s, compiled offline by sealbuild\n", argc > 0 ? argv[0] : "hello");
  return 0;
}
