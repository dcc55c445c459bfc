build/obj/common/result.o: common/result.cpp common/result.hpp
common/result.hpp:
