#include <stdio.h>

int main(void) {
    puts("hello from c-make");
    return 0;
}
